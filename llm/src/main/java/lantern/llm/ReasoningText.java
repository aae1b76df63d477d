package lantern.llm;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes a reasoning model's thinking from the front of an answer before it is parsed, so the parsers see only
 * the answer: a leading {@code <think>…</think>} (also {@code <thinking>}), everything up to an orphan
 * {@code </think>} (servers that strip the opening tag), and gpt-oss "harmony" channels (the text after
 * {@code <|channel|>final<|message|>}). Only the front is cut: the rest is parsed as strictly as before.
 */
public final class ReasoningText {
    private static final Pattern CLOSE = Pattern.compile("</(think|thinking)>", Pattern.CASE_INSENSITIVE);
    private static final Pattern OPEN = Pattern.compile("^\\s*<(think|thinking)>", Pattern.CASE_INSENSITIVE);
    private static final String HARMONY_FINAL = "<|channel|>final<|message|>";

    private ReasoningText() {
    }

    /** The answer without leading reasoning; "" when the text is all reasoning (an unclosed {@code <think>}). */
    public static String answer(String text) {
        if (text == null) return "";
        int h = text.lastIndexOf(HARMONY_FINAL);
        if (h >= 0) {
            String s = text.substring(h + HARMONY_FINAL.length());
            for (String end : new String[]{"<|return|>", "<|end|>"}) if (s.endsWith(end)) s = s.substring(0, s.length() - end.length());
            return s.strip();
        }
        if (text.contains("<|channel|>analysis<|message|>")) return "";   // harmony reasoning that never reached its answer
        Matcher close = CLOSE.matcher(text);
        int end = -1;
        while (close.find()) end = close.end();
        if (end >= 0) return text.substring(end).strip();
        if (OPEN.matcher(text).find()) return "";   // thinking that never ended: no answer
        return text;
    }

    /** Whether the text carries reasoning that {@link #answer} removes. */
    public static boolean hasReasoning(String text) {
        return text != null && !answer(text).equals(text);
    }
}
