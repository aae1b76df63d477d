package lantern.explainer.explain;

import lantern.explainer.ActivationRecord;

/** A window's tokens as plain text: WordPiece "##" pieces glued to the previous piece, others space-separated. */
public final class WindowText {
    private WindowText() {
    }

    public static String of(ActivationRecord r) {
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
}
