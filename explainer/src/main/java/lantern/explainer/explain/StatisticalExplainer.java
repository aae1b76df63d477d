package lantern.explainer.explain;

import lantern.explainer.ActivationRecord;
import lantern.explainer.llm.LlmUsage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Offline explainer. It forms hypotheses from token identity (a small set of tokens), Brown tag family, position
 * in the word (first / continuation piece) and the preceding token, tests each on the explain set by the Pearson
 * correlation between "rule fires" and the activation over every token, and phrases the best one as a sentence
 * with the tokens it fired on most strongly as examples.
 */
public final class StatisticalExplainer implements Explainer {
    public static final String NAME = "statistical";
    private static final int MAX_SET = 8;
    private static final int CANDIDATES = 24;
    private static final int EXAMPLES = 3;
    /** a simpler hypothesis (tag, position) wins over a token list unless the list fits clearly better */
    private static final double SIMPLICITY_MARGIN = 0.02;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Explanation explain(RecordSplit split) {
        Scored best = bestRule(split.explain());
        String text = phrase(best.rule(), split.explain());
        return new Explanation(text, NAME, best.rule(), best.fit(), LlmUsage.NONE);
    }

    record Scored(Rule rule, double fit, int complexity) {
    }

    Scored bestRule(List<ActivationRecord> records) {
        double[] acts = flatActivations(records);
        List<Scored> scored = new ArrayList<>();
        for (String tag : tags(records)) scored.add(score(Rule.tag(tag), records, acts, 1));
        scored.add(score(new Rule(Rule.Kind.CONTINUATION, List.of()), records, acts, 1));
        scored.add(score(new Rule(Rule.Kind.WORD_START, List.of()), records, acts, 1));
        scored.add(greedySet(records, acts, false));
        scored.add(greedySet(records, acts, true));
        Scored best = null;
        for (Scored s : scored) {
            if (s == null || Double.isNaN(s.fit())) continue;
            if (best == null || better(s, best)) best = s;
        }
        if (best == null) {
            // Nothing varies with the activation (e.g. a single token window): fall back to the strongest token.
            ActivationRecord top = records.get(0);
            return new Scored(Rule.tokens(Set.of(top.tokens().get(top.argMax()))), Double.NaN, 1);
        }
        return best;
    }

    private static boolean better(Scored a, Scored b) {
        double margin = SIMPLICITY_MARGIN * (a.complexity() - b.complexity());
        return a.fit() - margin > b.fit();
    }

    private Scored score(Rule rule, List<ActivationRecord> records, double[] acts, int complexity) {
        return new Scored(rule, Correlation.pearson(fires(rule, records), acts), complexity);
    }

    /** Grows a token set (or a preceding-token set) greedily from the tokens with the highest mean activation. */
    private Scored greedySet(List<ActivationRecord> records, double[] acts, boolean preceding) {
        Map<String, double[]> sums = new HashMap<>();
        for (ActivationRecord r : records) {
            for (int i = preceding ? 1 : 0; i < r.size(); i++) {
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
            Rule rule = preceding ? Rule.precededBy(trial) : Rule.tokens(trial);
            double fit = Correlation.pearson(fires(rule, records), acts);
            if (!Double.isNaN(fit) && (Double.isNaN(bestFit) || fit > bestFit)) {
                bestFit = fit;
                chosen = trial;
            }
        }
        if (chosen.isEmpty()) return null;
        Rule rule = preceding ? Rule.precededBy(chosen) : Rule.tokens(chosen);
        return new Scored(rule, bestFit, 1 + chosen.size() / 2);
    }

    private static Set<String> tags(List<ActivationRecord> records) {
        Set<String> tags = new HashSet<>();
        for (ActivationRecord r : records) {
            if (r.tags() == null) continue;
            for (String t : r.tags()) if (t != null) tags.add(t);
        }
        return tags;
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
        for (ActivationRecord r : records) for (boolean b : rule.fires(r)) out[k++] = b ? 1 : 0;
        return out;
    }

    /** The tokens the rule fires on, strongest activation first, distinct. */
    static List<String> examples(Rule rule, List<ActivationRecord> records, int n) {
        record Hit(String token, float act) {
        }
        List<Hit> hits = new ArrayList<>();
        for (ActivationRecord r : records) {
            boolean[] f = rule.fires(r);
            for (int i = 0; i < f.length; i++) if (f[i]) hits.add(new Hit(r.tokens().get(i), r.activations()[i]));
        }
        hits.sort(Comparator.comparingDouble(h -> -h.act()));
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (Hit h : hits) {
            if (out.size() >= n) break;
            out.add(h.token());
        }
        return List.copyOf(out);
    }

    static String phrase(Rule rule, List<ActivationRecord> records) {
        String ex = quoteList(examples(rule, records, EXAMPLES));
        String suchAs = ex.isEmpty() ? "" : ", such as " + ex;
        return switch (rule.kind()) {
            case TAG -> BrownTags.describe(rule.values().get(0)) + " (Brown tag " + rule.values().get(0).toUpperCase() + ")" + suchAs;
            case TOKEN -> "the token" + (rule.values().size() > 1 ? "s " : " ") + quoteList(orderedByExample(rule, records));
            case CONTINUATION -> "word pieces that continue a word (not its first piece)" + suchAs;
            case WORD_START -> "the first piece of a word" + suchAs;
            case PRECEDED_BY -> "tokens right after " + quoteList(rule.values()).replace(", ", " or ") + suchAs;
        };
    }

    private static List<String> orderedByExample(Rule rule, List<ActivationRecord> records) {
        LinkedHashSet<String> ordered = new LinkedHashSet<>();
        for (String e : examples(rule, records, Integer.MAX_VALUE)) ordered.add(Rule.norm(e));
        ordered.addAll(rule.values());
        return List.copyOf(ordered);
    }

    private static String quoteList(List<String> items) {
        return String.join(", ", items.stream().map(s -> "'" + s + "'").toList());
    }
}
