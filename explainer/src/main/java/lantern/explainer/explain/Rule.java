package lantern.explainer.explain;

import lantern.explainer.ActivationRecord;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A machine-readable hypothesis about where a feature fires, kept with a statistical explanation so the
 * statistical simulator and detector can apply it to windows they have not seen.
 *
 * @param kind   what the rule looks at
 * @param values the tokens (TOKEN, PRECEDED_BY; compared case-insensitively) or the single tag family (TAG);
 *               empty for CONTINUATION and WORD_START
 */
public record Rule(Kind kind, List<String> values) {
    public enum Kind {
        /** the token is one of {@code values} */
        TOKEN,
        /** the token's word has the Brown tag family {@code values[0]} */
        TAG,
        /** the token continues a word (a non-first word piece) */
        CONTINUATION,
        /** the token starts a word */
        WORD_START,
        /** the token right before is one of {@code values} */
        PRECEDED_BY
    }

    public Rule {
        if (kind == null) throw new IllegalArgumentException("rule kind is missing");
        values = values == null ? List.of() : List.copyOf(new TreeSet<>(values.stream().map(Rule::norm).toList()));
        if ((kind == Kind.TOKEN || kind == Kind.PRECEDED_BY) && values.isEmpty()) {
            throw new IllegalArgumentException(kind + " rule needs at least one token");
        }
        if (kind == Kind.TAG && values.size() != 1) throw new IllegalArgumentException("TAG rule needs exactly one tag");
    }

    public static Rule tokens(Set<String> tokens) {
        return new Rule(Kind.TOKEN, List.copyOf(tokens));
    }

    public static Rule tag(String tag) {
        return new Rule(Kind.TAG, List.of(tag));
    }

    public static Rule precededBy(Set<String> tokens) {
        return new Rule(Kind.PRECEDED_BY, List.copyOf(tokens));
    }

    /** Whether the rule fires at each token of the record. */
    public boolean[] fires(ActivationRecord r) {
        boolean[] out = new boolean[r.size()];
        Set<String> set = Set.copyOf(values);
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (kind) {
                case TOKEN -> set.contains(norm(r.tokens().get(i)));
                case TAG -> r.tags() != null && r.tags().get(i) != null && norm(r.tags().get(i)).equals(values.get(0));
                case CONTINUATION -> !wordStart(r, i);
                case WORD_START -> wordStart(r, i);
                case PRECEDED_BY -> i > 0 && set.contains(norm(r.tokens().get(i - 1)));
            };
        }
        return out;
    }

    public boolean firesAnywhere(ActivationRecord r) {
        for (boolean b : fires(r)) if (b) return true;
        return false;
    }

    /** WordPiece continuation pieces start with "##"; where flags are recorded they win. */
    static boolean wordStart(ActivationRecord r, int i) {
        if (r.wordStart() != null) return r.wordStart()[i];
        return !r.tokens().get(i).startsWith("##");
    }

    static String norm(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
