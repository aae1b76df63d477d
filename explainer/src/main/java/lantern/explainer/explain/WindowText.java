package lantern.explainer.explain;

import lantern.api.ActivationRecord;

import java.util.List;

/**
 * A window's tokens as plain text, the way the text read before tokenization. Byte-level BPE tokens (GPT-2 style,
 * decoded one by one: " shoes", ",") and SentencePiece tokens carry their own spaces, so they are joined as they
 * are (raw vocabulary marks Ġ / Ċ / ▁ read as space / newline / space); WordPiece "##" pieces are glued to the
 * previous piece and other tokens space-separated, except two Chinese characters or marks (written without spaces).
 */
public final class WindowText {
    private WindowText() {
    }

    public static String of(ActivationRecord r) {
        List<String> tokens = r.tokens();
        if (carriesOwnSpaces(tokens)) {
            StringBuilder b = new StringBuilder();
            for (String t : tokens) b.append(unmark(t));
            return b.toString().strip();
        }
        StringBuilder b = new StringBuilder();
        String previous = null;
        for (String t : tokens) {
            if (t.startsWith("##") && t.length() > 2) {
                b.append(t, 2, t.length());
            } else {
                if (!b.isEmpty() && !joinsWithoutSpace(previous, t)) b.append(' ');
                b.append(t);
            }
            previous = t;
        }
        return b.toString();
    }

    /** Chinese is written without spaces: none between two Chinese characters or marks. */
    public static boolean joinsWithoutSpace(String previous, String next) {
        return previous != null && lantern.corpus.ChineseText.isCjkWord(previous)
                && lantern.corpus.ChineseText.isCjkWord(next);
    }

    /** True when the tokens hold their own spaces (decoder tokens). */
    public static boolean carriesSpaces(ActivationRecord r) {
        return carriesOwnSpaces(r.tokens());
    }

    /** Some token after the first starts with whitespace or a space mark: the tokenizer kept spaces in the tokens. */
    static boolean carriesOwnSpaces(List<String> tokens) {
        for (int i = 1; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t.isEmpty()) continue;
            char c = t.charAt(0);
            if (Character.isWhitespace(c) || c == 'Ġ' || c == 'Ċ' || c == '▁') return true;
        }
        return false;
    }

    private static String unmark(String t) {
        if (t.isEmpty()) return t;
        char c = t.charAt(0);
        if (c != 'Ġ' && c != 'Ċ' && c != '▁' && t.indexOf('Ġ') < 0 && t.indexOf('Ċ') < 0) return t;
        return t.replace('Ġ', ' ').replace('Ċ', '\n').replace('▁', ' ');
    }
}
