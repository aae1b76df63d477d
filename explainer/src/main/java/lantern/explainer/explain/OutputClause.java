package lantern.explainer.explain;

import java.util.List;

/**
 * The output side of a decoder label: "tokens right after 'ne', such as 'g'; promotes 'ot', 'ion'". The part before
 * {@link #MARK} says what the unit fires on (what the window scores judge, what {@link HypothesisParser} and
 * {@link ClassLabelCheck} read); the clause after it names what the unit was measured to promote.
 */
public final class OutputClause {
    /** Where the output clause of a label starts. */
    public static final String MARK = "; promotes '";

    private OutputClause() {
    }

    /** "promotes 'ot', 'ion'". */
    public static String of(List<String> tokens) {
        if (tokens.isEmpty()) throw new IllegalArgumentException("no tokens to name");
        StringBuilder b = new StringBuilder("promotes ");
        for (int i = 0; i < tokens.size(); i++) {
            if (i > 0) b.append(", ");
            b.append('\'').append(tokens.get(i)).append('\'');
        }
        return b.toString();
    }

    /** The label reading both sides. */
    public static String join(String firesOn, List<String> tokens) {
        return firesOn + "; " + of(tokens);
    }

    /** What the label says the unit fires on: the text before the output clause (all of it when it has none). */
    public static String inputSide(String label) {
        if (label == null) return null;
        int at = label.lastIndexOf(MARK);
        return at < 0 ? label : label.substring(0, at);
    }
}
