package lantern.explainer.explain;

import lantern.api.ActivationRecord;
import lantern.corpus.TagFamilies;
import lantern.llm.LlmUsage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Offline explainer. It forms hypotheses from token identity (a small set of tokens), Brown tag family, position
 * in the word and the preceding token, and conjunctions of a tag with one of those, scores each on the explain set
 * by the Pearson correlation between "rule fires" and the activation over every token, and phrases the chosen one
 * as a sentence with the tokens it fired on most strongly as examples.
 *
 * <p>{@link Search#GRADED} (the default) chooses by cross-validation inside the explain set, preferring
 * the most general hypothesis that predicts unseen windows about as well ({@link HypothesisSearch}), with graded
 * class rules among the candidates; {@link Search#CROSS_VALIDATED} is the same without them.
 * {@link Search#LEGACY} is the earliest search (in-sample fit, a small simplicity margin, one PUNCT family, no
 * conjunctions), kept so a benchmark can measure before and after in one run.
 */
public final class StatisticalExplainer implements Explainer {
    public static final String NAME = "statistical";
    /** a simpler hypothesis (tag, position) wins over a token list unless the list fits clearly better */
    private static final double SIMPLICITY_MARGIN = 0.02;

    public enum Search {
        /** cross-validated with graded class rules ("singular nouns, strongest on 'state', 'city'") competing */
        GRADED,
        /** cross-validated over plain rules */
        CROSS_VALIDATED,
        /** in-sample fit, one PUNCT family, no conjunctions */
        LEGACY;

        /** The name {@link #parse} reads. */
        public String shortName() {
            return switch (this) {
                case LEGACY -> "legacy";
                case CROSS_VALIDATED -> "cv";
                case GRADED -> "graded";
            };
        }

        public static Search parse(String s) {
            return switch (s == null ? "" : s.toLowerCase(Locale.ROOT)) {
                case "graded", "" -> GRADED;
                case "cv", "cross-validated" -> CROSS_VALIDATED;
                case "legacy" -> LEGACY;
                default -> throw new IllegalArgumentException("unknown hypothesis search '" + s + "': graded, cv or legacy");
            };
        }
    }

    private final Search search;

    public StatisticalExplainer() {
        this(Search.GRADED);
    }

    public StatisticalExplainer(Search search) {
        this.search = search;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Explanation explain(RecordSplit split) {
        Scored best = bestRule(split.explain());
        String text = RulePhrases.phrase(best.rule(), split.explain());
        return new Explanation(text, NAME, best.rule(), best.fit(), LlmUsage.NONE);
    }

    record Scored(Rule rule, double fit, int complexity) {
    }

    Scored bestRule(List<ActivationRecord> records) {
        Scored best;
        if (search == Search.LEGACY) {
            best = legacy(records);
        } else {
            HypothesisSearch.Choice c = new HypothesisSearch(search == Search.GRADED).search(records);
            best = c == null ? null : new Scored(c.rule(), c.fit(), 0);
        }
        if (best == null) {
            // Nothing varies with the activation (e.g. a single token window): fall back to the strongest token.
            ActivationRecord top = records.get(0);
            return new Scored(Rule.tokens(Set.of(top.tokens().get(top.argMax()))), Double.NaN, 1);
        }
        return best;
    }

    private Scored legacy(List<ActivationRecord> records) {
        double[] acts = flatActivations(records);
        List<Scored> scored = new ArrayList<>();
        for (String tag : coarseTags(records)) scored.add(score(Rule.tag(tag), records, acts, 1));
        scored.add(score(Rule.of(Rule.Kind.CONTINUATION), records, acts, 1));
        scored.add(score(Rule.of(Rule.Kind.WORD_START), records, acts, 1));
        for (boolean preceding : new boolean[] {false, true}) {
            Rule r = HypothesisSearch.greedySet(records, null, preceding);
            if (r != null) scored.add(score(r, records, acts, 1 + r.values().size() / 2));
        }
        Scored best = null;
        for (Scored s : scored) {
            if (s == null || Double.isNaN(s.fit())) continue;
            if (best == null || better(s, best)) best = s;
        }
        return best;
    }

    /** The legacy search saw one PUNCT family for every punctuation mark. */
    private static Set<String> coarseTags(List<ActivationRecord> records) {
        Set<String> out = new TreeSet<>();
        for (String t : HypothesisSearch.tags(records)) out.add(TagFamilies.isPunctuation(t) ? TagFamilies.PUNCT : t);
        return out;
    }

    private static boolean better(Scored a, Scored b) {
        double margin = SIMPLICITY_MARGIN * (a.complexity() - b.complexity());
        return a.fit() - margin > b.fit();
    }

    private static Scored score(Rule rule, List<ActivationRecord> records, double[] acts, int complexity) {
        return new Scored(rule, HypothesisSearch.fitOf(rule, records, acts), complexity);
    }

    static double[] flatActivations(List<ActivationRecord> records) {
        int n = records.stream().mapToInt(ActivationRecord::size).sum();
        double[] out = new double[n];
        int k = 0;
        for (ActivationRecord r : records) for (float a : r.activations()) out[k++] = a;
        return out;
    }

    static double[] fires(Rule rule, List<ActivationRecord> records) {
        int n = records.stream().mapToInt(ActivationRecord::size).sum();
        double[] out = new double[n];
        int k = 0;
        for (ActivationRecord r : records) for (double v : rule.levels(r)) out[k++] = v;
        return out;
    }
}
