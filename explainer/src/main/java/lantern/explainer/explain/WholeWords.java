package lantern.explainer.explain;

import lantern.api.ActivationRecord;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The corpus word a token belongs to, as a reader sees it: WordPiece pieces glued ("hart" "##man" reads
 * 'hartman'), the pieces of one Brown word glued ("won" "'" "t" reads "won't", "$" "84" reads '$84'), decoder
 * tokens joined with their own spaces and trimmed. Word boundaries come from the record's {@code wordStart} flags
 * (a corpus word begins there) and, where a record has none, from the "##" convention.
 */
public final class WholeWords {
    private WholeWords() {
    }

    /**
     * The whole word of token {@code i}, or null when the window cuts it (the word starts before the window's first
     * token or may go on past its last one) or it is empty.
     */
    public static String at(ActivationRecord r, int i) {
        int start = i;
        while (start > 0 && !Rule.wordStart(r, start)) start--;
        if (start == 0 && !Rule.wordStart(r, 0)) return null;
        int end = i + 1;
        while (end < r.size() && !Rule.wordStart(r, end)) end++;
        if (end >= r.size() && r.wordStart() != null) return null; // the window ends inside or right after the word
        boolean spaced = WindowText.carriesSpaces(r);
        StringBuilder b = new StringBuilder();
        for (int k = start; k < end; k++) {
            String t = r.tokens().get(k);
            if (spaced) b.append(t.replace('\u0120', ' ').replace('\u2581', ' ').replace('\u010a', ' '));
            else b.append(t.startsWith("##") && t.length() > 2 ? t.substring(2) : t);
        }
        String w = b.toString().strip();
        return w.isEmpty() ? null : w;
    }

    /** A word as the corpus index compares it: lower case, accents removed (as an uncased WordPiece tokenizer reads it). */
    public static String key(String word) {
        String n = Normalizer.normalize(word.strip().toLowerCase(Locale.ROOT), Normalizer.Form.NFD);
        return n.replaceAll("\\p{M}+", "");
    }

    /** True when the word has no letter or digit: a punctuation mark or a run of them. */
    public static boolean isPunctuation(String word) {
        return word.codePoints().noneMatch(Character::isLetterOrDigit);
    }

    /** True for a bare word piece ("##man"). */
    public static boolean isPiece(String word) {
        return word.startsWith("##") && word.length() > 2;
    }
}
