package lantern.explainer.explain;

import lantern.api.ActivationRecord;
import lantern.corpus.ChineseText;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The hypotheses a Chinese corpus offers, as {@link HypothesisSearch} families: a structure predicate (line end =
 * rhyme position, end of an even line, n-th character of a line, first line, punctuation, form, dynasty), two of them
 * together ("the end of a line of a seven-character shi"), a set of characters, the preceding characters, characters
 * of a set at a structural place ("'山', '流' at the end of a line"), and a place graded by its strongest characters.
 * Structure predicates are tag rules over the corpus's structure tags ({@link ChineseText}).
 */
final class ChineseHypotheses {
    private static final int TOP = 4;

    private ChineseHypotheses() {
    }

    static List<HypothesisSearch.Family> families() {
        List<HypothesisSearch.Family> out = new ArrayList<>();
        out.add(new HypothesisSearch.Family("structure", 1, recs -> best(structures(recs), recs)));
        out.add(new HypothesisSearch.Family("structure-and-structure", 2, ChineseHypotheses::pair));
        out.add(new HypothesisSearch.Family("characters", 3, recs -> HypothesisSearch.greedySet(recs, null, false)));
        out.add(new HypothesisSearch.Family("preceding", 3, recs -> HypothesisSearch.greedySet(recs, null, true)));
        out.add(new HypothesisSearch.Family("structure-and-characters", 3, recs -> {
            Rule place = best(structures(recs), recs);
            return place == null ? null : HypothesisSearch.greedySet(recs, place, false);
        }));
        out.add(new HypothesisSearch.Family("structure-graded-by-characters", 3, ChineseHypotheses::graded));
        return out;
    }

    /** The structure predicates the windows can tell apart (forms and dynasties that occur in them). */
    static List<Rule> structures(List<ActivationRecord> records) {
        Set<String> preds = new LinkedHashSet<>(List.of("END", "EVEN_END", "START", "PUNCT", "L1"));
        for (int p = 2; p <= 7; p++) preds.add("P" + p);
        for (ActivationRecord r : records) {
            for (int i = 0; i < r.size(); i++) {
                ChineseText.Structure s = ChineseText.Structure.parse(Rule.tagAt(r, i));
                if (s == null) continue;
                preds.add("FORM=" + s.form());
                preds.add("DYN=" + s.dynasty());
            }
        }
        return preds.stream().map(p -> Rule.tag(ChineseText.PREDICATE_PREFIX + p)).toList();
    }

    private static Rule pair(List<ActivationRecord> records) {
        List<Rule> all = structures(records);
        List<Rule> candidates = new ArrayList<>();
        for (Rule a : top(all, records)) for (Rule b : all) if (!a.equals(b)) candidates.add(a.and(b));
        return best(candidates, records);
    }

    /** A place qualified by its strongest characters, as {@link HypothesisSearch#gradedTagByTokens} does for a class. */
    private static Rule graded(List<ActivationRecord> records) {
        Rule place = best(structures(records), records);
        if (place == null) return null;
        Rule strict = HypothesisSearch.greedySet(records, place, false);
        if (strict == null) return null;
        double[] sum = new double[2];
        int[] n = new int[2];
        for (ActivationRecord r : records) {
            boolean[] at = place.fires(r), listed = strict.fires(r);
            for (int i = 0; i < at.length; i++) {
                if (!at[i]) continue;
                int k = listed[i] ? 0 : 1;
                sum[k] += Math.max(0, r.activations()[i]);
                n[k]++;
            }
        }
        if (n[0] == 0 || n[1] == 0 || sum[0] <= 0) return null;
        double level = Math.round(10 * (sum[1] / n[1]) / (sum[0] / n[0])) / 10.0;
        return level < 0.1 || level > 0.9 ? null : strict.graded(level);
    }

    private static List<Rule> top(List<Rule> rules, List<ActivationRecord> records) {
        double[] acts = StatisticalExplainer.flatActivations(records);
        record R(Rule rule, double fit) {
        }
        return rules.stream().map(r -> new R(r, HypothesisSearch.fitOf(r, records, acts))).filter(r -> !Double.isNaN(r.fit()))
                .sorted(Comparator.comparingDouble((R r) -> -r.fit())).limit(TOP).map(R::rule).toList();
    }

    private static Rule best(List<Rule> candidates, List<ActivationRecord> records) {
        List<Rule> t = top(candidates, records);
        return t.isEmpty() ? null : t.get(0);
    }
}
