package lantern.explainer.explain;

import lantern.api.ActivationRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Chooses a statistical hypothesis by cross-validation inside the explain set. Each hypothesis family (a tag
 * class, a position in the word, a token list, a preceding-token list, and conjunctions of a tag with a position,
 * a preceding token or the following tag) is fitted on all explain windows but one fold and tested on that fold;
 * the out-of-fold predictions of every fold together are correlated with the activations. A token list fitted on
 * some adjectives predicts little on unseen ones, while the adjective class does: the class wins. Among the
 * families within {@link #TOLERANCE} of the best cross-validated fit the simplest is chosen (fewest conditions
 * and values), then refitted on the whole explain set.
 */
final class HypothesisSearch {
    static final int FOLDS = 5;
    /**
     * How much cross-validated fit a simpler family may give up to a more complex one. Measured with {@code lantern
     * bench faithfulness} (MiniLM layers 0-1, 300k Brown tokens): 0.03 names the class for 43% of ground-truth units,
     * 0.1 for 53%, 0.15 for 61%, at mean simulation 0.754, 0.733, 0.716 on those units.
     */
    static final double TOLERANCE = 0.1;
    private static final int MAX_SET = 8;
    private static final int CANDIDATES = 24;
    private static final int TOP_TAGS = 4;

    /** A way to fit a hypothesis on training windows, with its complexity (conditions plus listed values). */
    record Family(String name, int complexity, Function<List<ActivationRecord>, Rule> fit) {
    }

    record Choice(Rule rule, double fit, double crossValidated, String family) {
    }

    private final List<Family> families;

    /** @param graded whether graded class rules ("singular nouns, strongest on 'state', 'city'") compete */
    HypothesisSearch(boolean graded) {
        this(families(graded));
    }

    /** A search over other hypothesis families (those of a Chinese corpus, {@link ChineseHypotheses}). */
    HypothesisSearch(List<Family> families) {
        this.families = List.copyOf(families);
    }

    Choice search(List<ActivationRecord> records) {
        RANKED.get().clear(); // rankings are kept within one search
        int folds = Math.min(FOLDS, records.size());
        double[] acts = StatisticalExplainer.flatActivations(records);
        Family best = null;
        double bestCv = Double.NaN;
        double[] cvs = new double[families.size()];
        for (int i = 0; i < cvs.length; i++) {
            Family f = families.get(i);
            double cv = folds < 2 ? inSample(f, records, acts) : crossValidated(f, records, acts, folds);
            cvs[i] = cv;
            if (!Double.isNaN(cv) && (Double.isNaN(bestCv) || cv > bestCv)) bestCv = cv;
        }
        if (Double.isNaN(bestCv)) return null;
        double bestScore = Double.NaN;
        for (int i = 0; i < families.size(); i++) {
            Family f = families.get(i);
            double cv = cvs[i];
            if (Double.isNaN(cv) || cv < bestCv - TOLERANCE) continue;
            if (best == null || f.complexity() < best.complexity() || (f.complexity() == best.complexity() && cv > bestScore)) {
                best = f;
                bestScore = cv;
            }
        }
        Rule rule = best.fit().apply(records);
        if (rule == null) return null;
        return new Choice(rule, fitOf(rule, records, acts), bestScore, best.name());
    }

    private static double inSample(Family f, List<ActivationRecord> records, double[] acts) {
        Rule r = f.fit().apply(records);
        return r == null ? Double.NaN : fitOf(r, records, acts);
    }

    private static double crossValidated(Family f, List<ActivationRecord> records, double[] acts, int folds) {
        double[] predicted = new double[acts.length];
        int[] offsets = new int[records.size() + 1];
        for (int w = 0; w < records.size(); w++) offsets[w + 1] = offsets[w] + records.get(w).size();
        for (int k = 0; k < folds; k++) {
            List<ActivationRecord> train = new ArrayList<>();
            for (int w = 0; w < records.size(); w++) if (w % folds != k) train.add(records.get(w));
            Rule r = f.fit().apply(train);
            if (r == null) continue;
            for (int w = k; w < records.size(); w += folds) {
                double[] levels = r.levels(records.get(w));
                System.arraycopy(levels, 0, predicted, offsets[w], levels.length);
            }
        }
        return Correlation.pearson(predicted, acts);
    }

    static double fitOf(Rule rule, List<ActivationRecord> records, double[] acts) {
        return Correlation.pearson(StatisticalExplainer.fires(rule, records), acts);
    }

    static List<Family> families(boolean graded) {
        List<Family> out = new ArrayList<>();
        out.add(new Family("tag", 1, HypothesisSearch::bestTag));
        for (Rule.Kind k : List.of(Rule.Kind.WORD_START, Rule.Kind.CONTINUATION, Rule.Kind.WORD_END)) {
            out.add(new Family(k.name().toLowerCase(), 1, recs -> Rule.of(k)));
        }
        out.add(new Family("tag-and-position", 2, HypothesisSearch::bestTagAndPosition));
        out.add(new Family("tag-and-next-tag", 2, HypothesisSearch::bestTagAndNextTag));
        out.add(new Family("tag-and-preceding", 3, recs -> {
            List<Rule> tags = topTags(recs, 1);
            return tags.isEmpty() ? null : greedySet(recs, tags.get(0), true);
        }));
        out.add(new Family("preceding", 3, recs -> greedySet(recs, null, true)));
        out.add(new Family("tokens", 3, recs -> greedySet(recs, null, false)));
        if (graded) out.add(new Family("tag-graded-by-tokens", 3, HypothesisSearch::gradedTagByTokens));
        return out;
    }

    /**
     * A class qualified by its strongest members ("singular nouns, strongest on 'state', 'city'"): the best tag, the
     * token set within it that fits best, and the level of the class's other tokens, the ratio of their mean
     * activation to the listed tokens' mean, in tenths. None when that rounds to 0 (the class adds nothing to the
     * list: the token list says it more simply) or to 1 (the bare class says it).
     */
    static Rule gradedTagByTokens(List<ActivationRecord> records) {
        Rule tag = bestTag(records);
        if (tag == null) return null;
        Rule strict = greedySet(records, tag, false);
        if (strict == null) return null;
        double[] sum = new double[2];
        int[] n = new int[2];
        for (ActivationRecord r : records) {
            boolean[] cls = tag.fires(r), listed = strict.fires(r);
            for (int i = 0; i < cls.length; i++) {
                if (!cls[i]) continue;
                int k = listed[i] ? 0 : 1;
                sum[k] += Math.max(0, r.activations()[i]);
                n[k]++;
            }
        }
        if (n[0] == 0 || n[1] == 0 || sum[0] <= 0) return null;
        double level = Math.round(10 * (sum[1] / n[1]) / (sum[0] / n[0])) / 10.0;
        return level < 0.1 || level > 0.9 ? null : strict.graded(level);
    }

    static Rule bestTag(List<ActivationRecord> records) {
        List<Rule> top = topTags(records, 1);
        return top.isEmpty() ? null : top.get(0);
    }

    /** The tag rules with the best in-sample fit, best first. */
    static List<Rule> topTags(List<ActivationRecord> records, int n) {
        // five families ask for the same fold's ranking (each with its own copy of the fold's list): ranked once
        Map<WindowsKey, List<Rule>> memo = RANKED.get();
        WindowsKey key = new WindowsKey(records);
        List<Rule> ranked = memo.get(key);
        if (ranked == null) {
            if (memo.size() >= 64) memo.clear();
            ranked = rankTags(records);
            memo.put(key, ranked);
        }
        return ranked.subList(0, Math.min(n, ranked.size()));
    }

    /**
     * The same windows: the same record objects in the same order (records are immutable, so the ranking of their
     * tags is the same too).
     */
    private record WindowsKey(List<ActivationRecord> records) {
        @Override
        public boolean equals(Object o) {
            if (!(o instanceof WindowsKey k) || k.records.size() != records.size()) return false;
            for (int i = 0; i < records.size(); i++) if (k.records.get(i) != records.get(i)) return false;
            return true;
        }

        @Override
        public int hashCode() {
            int h = 1;
            for (ActivationRecord r : records) h = 31 * h + System.identityHashCode(r);
            return h;
        }
    }

    private static final ThreadLocal<Map<WindowsKey, List<Rule>>> RANKED = ThreadLocal.withInitial(HashMap::new);

    /** Every tag rule with a fit, best first. */
    private static List<Rule> rankTags(List<ActivationRecord> records) {
        double[] acts = StatisticalExplainer.flatActivations(records);
        record R(Rule rule, double fit) {
        }
        List<R> all = new ArrayList<>();
        for (String t : tags(records)) {
            Rule r = Rule.tag(t);
            double fit = fitOf(r, records, acts);
            if (!Double.isNaN(fit)) all.add(new R(r, fit));
        }
        all.sort(Comparator.comparingDouble((R r) -> -r.fit()).thenComparing(r -> r.rule().values().get(0)));
        return all.stream().map(R::rule).toList();
    }

    private static Rule bestTagAndPosition(List<ActivationRecord> records) {
        List<Rule> candidates = new ArrayList<>();
        for (Rule tag : topTags(records, TOP_TAGS)) {
            for (Rule.Kind k : List.of(Rule.Kind.WORD_START, Rule.Kind.CONTINUATION, Rule.Kind.WORD_END)) candidates.add(tag.and(Rule.of(k)));
        }
        return best(candidates, records);
    }

    /**
     * The best of "tag T and the next word tagged N" over the top tags T and every tag N: what {@link #best} returns
     * for those candidates in that order, with each T's and each N's condition worked out once over the windows
     * instead of once per pair (the same predictions, so the same fits, bit for bit).
     */
    static Rule bestTagAndNextTag(List<ActivationRecord> records) {
        List<String> tags = List.copyOf(tags(records));
        List<Rule> bases = topTags(records, TOP_TAGS);
        double[] acts = StatisticalExplainer.flatActivations(records);
        boolean[][] base = new boolean[bases.size()][];
        for (int b = 0; b < base.length; b++) base[b] = firstCondition(bases.get(b), records, acts.length);
        double[][] fit = new double[bases.size()][tags.size()];
        for (int j = 0; j < tags.size(); j++) {
            boolean[] next = firstCondition(new Rule(Rule.Kind.FOLLOWED_BY_TAG, List.of(tags.get(j))), records, acts.length);
            for (int b = 0; b < base.length; b++) {
                double[] predicted = new double[acts.length];
                for (int k = 0; k < predicted.length; k++) if (base[b][k] && next[k]) predicted[k] = 1;
                fit[b][j] = Correlation.pearson(predicted, acts);
            }
        }
        Rule best = null;
        double bestFit = Double.NaN;
        for (int b = 0; b < base.length; b++) {
            for (int j = 0; j < tags.size(); j++) {
                if (!Double.isNaN(fit[b][j]) && (Double.isNaN(bestFit) || fit[b][j] > bestFit)) {
                    best = bases.get(b).and(new Rule(Rule.Kind.FOLLOWED_BY_TAG, List.of(tags.get(j))));
                    bestFit = fit[b][j];
                }
            }
        }
        return best;
    }

    /** A plain rule's first condition over the windows, concatenated. */
    private static boolean[] firstCondition(Rule rule, List<ActivationRecord> records, int length) {
        boolean[] out = new boolean[length];
        int k = 0;
        for (ActivationRecord r : records) {
            boolean[] own = rule.firstCondition(r);
            System.arraycopy(own, 0, out, k, own.length);
            k += own.length;
        }
        return out;
    }

    static Rule best(List<Rule> candidates, List<ActivationRecord> records) {
        double[] acts = StatisticalExplainer.flatActivations(records);
        Rule best = null;
        double bestFit = Double.NaN;
        for (Rule r : candidates) {
            double fit = fitOf(r, records, acts);
            if (!Double.isNaN(fit) && (Double.isNaN(bestFit) || fit > bestFit)) {
                best = r;
                bestFit = fit;
            }
        }
        return best;
    }

    /**
     * Grows a token set (or a preceding-token set) greedily from the tokens with the highest mean activation, at
     * every position or, given {@code base}, only where {@code base} fires (the set then joins {@code base}).
     */
    static Rule greedySet(List<ActivationRecord> records, Rule base, boolean preceding) {
        double[] acts = StatisticalExplainer.flatActivations(records);
        Map<String, double[]> sums = new HashMap<>();
        for (ActivationRecord r : records) {
            boolean[] where = base == null ? null : base.fires(r);
            for (int i = preceding ? 1 : 0; i < r.size(); i++) {
                if (where != null && !where[i]) continue;
                String key = Rule.norm(r.tokens().get(preceding ? i - 1 : i));
                double[] s = sums.computeIfAbsent(key, k -> new double[2]);
                s[0] += Math.max(0, r.activations()[i]);
                s[1]++;
            }
        }
        List<String> candidates = sums.entrySet().stream()
                .sorted(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> -e.getValue()[0] / e.getValue()[1])
                        .thenComparing(Map.Entry::getKey))
                .limit(CANDIDATES).map(Map.Entry::getKey).toList();
        Set<String> chosen = new LinkedHashSet<>();
        double bestFit = Double.NaN;
        for (String c : candidates) {
            if (chosen.size() >= MAX_SET) break;
            Set<String> trial = new LinkedHashSet<>(chosen);
            trial.add(c);
            double fit = fitOf(setRule(base, trial, preceding), records, acts);
            if (!Double.isNaN(fit) && (Double.isNaN(bestFit) || fit > bestFit)) {
                bestFit = fit;
                chosen = trial;
            }
        }
        return chosen.isEmpty() ? null : setRule(base, chosen, preceding);
    }

    private static Rule setRule(Rule base, Set<String> set, boolean preceding) {
        Rule r = preceding ? Rule.precededBy(set) : Rule.tokens(set);
        return base == null ? r : base.and(r);
    }

    static Set<String> tags(List<ActivationRecord> records) {
        Set<String> tags = new TreeSet<>();
        for (ActivationRecord r : records) {
            for (int i = 0; i < r.size(); i++) {
                String t = Rule.tagAt(r, i);
                if (t != null && !t.isEmpty()) tags.add(t);
            }
        }
        return tags;
    }
}
