package lantern.explainer.explain;

import lantern.explainer.ActivationRecord;

/**
 * A window's tokens as plain text. Decoder tokens carry their own spaces ({@code " the"}: byte-level BPE and
 * SentencePiece show the space before a word): when any token starts with whitespace the tokens are concatenated
 * as they are (so the text is what the corpus had). Otherwise (WordPiece) "##" pieces are glued to the previous
 * piece and other tokens space-separated.
 */
public final class WindowText {
    private WindowText() {
    }

    public static String of(ActivationRecord r) {
        if (carriesSpaces(r)) return String.join("", r.tokens()).strip();
        StringBuilder b = new StringBuilder();
        for (String t : r.tokens()) {
            if (t.startsWith("##") && t.length() > 2) {
                b.append(t, 2, t.length());
            } else {
                if (!b.isEmpty()) b.append(' ');
                b.append(t);
            }
        }
        return b.toString();
    }

    /** True when the tokens hold their own spaces (decoder tokens). */
    public static boolean carriesSpaces(ActivationRecord r) {
        for (String t : r.tokens()) {
            if (!t.isEmpty() && Character.isWhitespace(t.charAt(0))) return true;
        }
        return false;
    }
}
