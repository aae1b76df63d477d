package lantern.explainer.explain;

import com.fasterxml.jackson.annotation.JsonInclude;
import lantern.api.ActivationRecord;
import lantern.corpus.ChineseText;
import lantern.corpus.TagFamilies;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A machine-readable hypothesis about where a feature fires, kept with a statistical explanation so the
 * statistical simulator and detector can apply it to windows they have not seen.
 *
 * @param kind   what the rule looks at
 * @param values the tokens (TOKEN, PRECEDED_BY; compared case-insensitively) or the single tag family (TAG,
 *               FOLLOWED_BY_TAG); empty for CONTINUATION, WORD_START and WORD_END
 * @param and    a second condition that must hold as well (a conjunction of two), or null; stored rules written
 *               before conjunctions existed have none
 * @param level  null for a plain conjunction; for a graded one ("singular nouns, strongest on 'state', 'city'") the
 *               strength, in tenths of the full strength, predicted where the first condition holds but {@code and}
 *               does not (full strength where both hold, none elsewhere)
 */
public record Rule(Kind kind, List<String> values, @JsonInclude(JsonInclude.Include.NON_NULL) Rule and,
                   @JsonInclude(JsonInclude.Include.NON_NULL) Double level) {
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
        PRECEDED_BY,
        /** the token ends its word (the next token starts a new word) */
        WORD_END,
        /**
         * the token ends its word and the next word has the Brown tag family {@code values[0]} (a piece inside a
         * word, such as '$' in '$84', is followed by more of its own word, not by the next word)
         */
        FOLLOWED_BY_TAG
    }

    public Rule {
        if (kind == null) throw new IllegalArgumentException("rule kind is missing");
        boolean isTag = kind == Kind.TAG || kind == Kind.FOLLOWED_BY_TAG;
        values = values == null ? List.of() : List.copyOf(new TreeSet<>(values.stream().map(isTag ? Rule::tagNorm : Rule::norm).toList()));
        if ((kind == Kind.TOKEN || kind == Kind.PRECEDED_BY) && values.isEmpty()) {
            throw new IllegalArgumentException(kind + " rule needs at least one token");
        }
        if (isTag && values.size() != 1) throw new IllegalArgumentException(kind + " rule needs exactly one tag");
        if (and != null && and.and() != null) throw new IllegalArgumentException("a rule joins at most two conditions");
        if (level != null) {
            if (and == null) throw new IllegalArgumentException("a graded rule needs a second condition");
            if (and.level() != null) throw new IllegalArgumentException("a graded rule's second condition is plain");
            if (!(level >= 0.1 && level <= 0.9)) throw new IllegalArgumentException("a graded rule's level is 0.1..0.9: " + level);
            level = Math.round(level * 10) / 10.0;
        }
    }

    public Rule(Kind kind, List<String> values, Rule and) {
        this(kind, values, and, null);
    }

    public Rule(Kind kind, List<String> values) {
        this(kind, values, null, null);
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

    public static Rule of(Kind kind) {
        return new Rule(kind, List.of());
    }

    /** This rule AND {@code other}. */
    public Rule and(Rule other) {
        if (and != null) throw new IllegalArgumentException("a rule joins at most two conditions");
        return new Rule(kind, values, other, null);
    }

    /**
     * This conjunction graded: full strength where both conditions hold, {@code level} (0.1..0.9, kept in tenths)
     * where only the first does.
     */
    public Rule graded(double level) {
        if (and == null) throw new IllegalArgumentException("only a conjunction can be graded");
        return new Rule(kind, values, and, level);
    }

    /**
     * The predicted strength at each token, 0..1: 1 where the rule fires, 0 elsewhere; a graded rule gives its
     * {@link #level} where only the first condition holds.
     */
    public double[] levels(ActivationRecord r) {
        boolean[] first = own(r);
        boolean[] second = and == null ? null : and.fires(r);
        double[] out = new double[first.length];
        for (int i = 0; i < out.length; i++) {
            if (!first[i]) continue;
            out[i] = second == null || second[i] ? 1 : level == null ? 0 : level;
        }
        return out;
    }

    /** Whether the rule fires at each token of the record (for a graded rule: where it predicts at least half strength). */
    public boolean[] fires(ActivationRecord r) {
        if (level != null) {
            double[] l = levels(r);
            boolean[] out = new boolean[l.length];
            for (int i = 0; i < l.length; i++) out[i] = l[i] >= 0.5;
            return out;
        }
        boolean[] out = own(r);
        if (and != null) {
            boolean[] second = and.fires(r);
            for (int i = 0; i < out.length; i++) out[i] &= second[i];
        }
        return out;
    }

    /** Where the first condition alone holds (for a plain rule without {@code and}: where the rule fires). */
    boolean[] firstCondition(ActivationRecord r) {
        return own(r);
    }

    /** The first condition alone. */
    private boolean[] own(ActivationRecord r) {
        boolean[] out = new boolean[r.size()];
        // values are distinct (from a sorted set): a short list answers contains() as a set would, without a copy per call
        java.util.Collection<String> set = values.size() <= 8 ? values : Set.copyOf(values);
        Normalized n = (kind == Kind.TOKEN || kind == Kind.PRECEDED_BY || kind == Kind.TAG || kind == Kind.FOLLOWED_BY_TAG)
                ? normalized(r) : null;
        String want = values.isEmpty() ? null : values.get(0);
        boolean predicate = want != null && want.startsWith(ChineseText.PREDICATE_PREFIX);
        boolean anyPunctuation = TagFamilies.PUNCT.equals(want);
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (kind) {
                case TOKEN -> set.contains(n.tokens()[i]);
                case TAG -> tagMatches(n.tagAt(i), want, predicate, anyPunctuation);
                case CONTINUATION -> !wordStart(r, i);
                case WORD_START -> wordStart(r, i);
                case PRECEDED_BY -> i > 0 && set.contains(n.tokens()[i - 1]);
                case WORD_END -> i + 1 >= r.size() || wordStart(r, i + 1);
                // the next word: the token ends its word and the word after it has the tag
                case FOLLOWED_BY_TAG -> i + 1 < r.size() && wordStart(r, i + 1) && tagMatches(n.tagAt(i + 1), want, predicate, anyPunctuation);
            };
        }
        return out;
    }

    /** Whether a token's tag family ({@link #tagAt}) is {@code want} (with the two flags {@link #own} works out once). */
    private static boolean tagMatches(String t, String want, boolean predicate, boolean anyPunctuation) {
        if (t == null) return false;
        if (predicate) {  // a structure predicate over a Chinese corpus's tags
            ChineseText.Structure st = ChineseText.Structure.parse(t);
            return st != null && st.matches(want);
        }
        // the coarse PUNCT of older rules covers every fine punctuation family
        return t.equals(want) || (anyPunctuation && TagFamilies.isPunctuation(t));
    }

    /**
     * A record's tokens as {@link #norm} and its tags as {@link #tagAt} give them, worked out once per record: the
     * hypothesis search applies thousands of rules to the same few dozen windows, and normalising every token for every
     * rule was a third of its time.
     */
    private record Normalized(String[] tokens, String[] tags) {
        String tagAt(int i) {
            return tags == null ? null : tags[i];
        }
    }

    /** Per thread, by identity (records are immutable); emptied when it grows past a few thousand records. */
    private static final ThreadLocal<java.util.IdentityHashMap<ActivationRecord, Normalized>> NORMALIZED =
            ThreadLocal.withInitial(java.util.IdentityHashMap::new);

    private static Normalized normalized(ActivationRecord r) {
        java.util.IdentityHashMap<ActivationRecord, Normalized> cache = NORMALIZED.get();
        Normalized n = cache.get(r);
        if (n != null) return n;
        if (cache.size() >= 4096) cache.clear();
        String[] tokens = new String[r.size()];
        for (int i = 0; i < tokens.length; i++) tokens[i] = norm(r.tokens().get(i));
        String[] tags = null;
        if (r.tags() != null) {
            tags = new String[r.size()];
            for (int i = 0; i < tags.length; i++) tags[i] = tagAt(r, i);
        }
        n = new Normalized(tokens, tags);
        cache.put(r, n);
        return n;
    }

    public boolean firesAnywhere(ActivationRecord r) {
        for (boolean b : fires(r)) if (b) return true;
        return false;
    }

    /** The names of the tag families this rule requires (of the token itself, not of a neighbour). */
    public boolean namesTag(String family) {
        String f = tagNorm(family);
        if (kind == Kind.TAG && (values.get(0).equals(f)
                || (values.get(0).equals(TagFamilies.PUNCT) && TagFamilies.isPunctuation(f)))) return true;
        return and != null && and.namesTag(family);
    }

    /**
     * The tag family of token {@code i}: the recorded one, with the one PUNCT family of older collections refined
     * to Brown's fine punctuation tag from the token itself. Null where the record has none.
     */
    public static String tagAt(ActivationRecord r, int i) {
        if (r.tags() == null) return null;
        String t = r.tags().get(i);
        if (t == null) return null;
        t = tagNorm(t);
        if (t.equals(TagFamilies.PUNCT)) return TagFamilies.punctuationOf(r.tokens().get(i));
        return t;
    }

    /** WordPiece continuation pieces start with "##"; where flags are recorded they win. */
    static boolean wordStart(ActivationRecord r, int i) {
        if (r.wordStart() != null) return r.wordStart()[i];
        return !r.tokens().get(i).startsWith("##");
    }

    /** Lower case (ROOT). Called for every token a rule is applied to: text with no ASCII capital and nothing beyond ASCII is returned as it is. */
    public static String norm(String s) {
        if (s == null) return "";
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c >= 'A' && c <= 'Z') || c > 0x7f) return s.toLowerCase(Locale.ROOT);
        }
        return s;
    }

    /** Upper case (ROOT), returning tags that are already upper-case ASCII as they are (the search normalises tags millions of times). */
    static String tagNorm(String s) {
        if (s == null) return "";
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c >= 'a' && c <= 'z') || c > 0x7f) return s.toUpperCase(Locale.ROOT);
        }
        return s;
    }
}
