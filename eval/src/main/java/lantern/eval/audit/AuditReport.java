package lantern.eval.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What an audit found, computed from its log: score histograms and mean score per layer, best and worst explained
 * features, dead features, features whose explanation mentions a watched concept, and failures.
 * Scores are simulation scores; features without one count in the totals but not in the score statistics.
 * When the audit ran the causal check: the mean causal selectivity (overall and per layer) and its Pearson
 * correlation with the simulation score over the features that have both (null below 3 such features) — does a
 * feature that is explained well also matter where it fires?
 */
public record AuditReport(AuditStatus status, AuditRequest request, int scored, Double meanScore, Double meanCausal,
                          Double causalCorrelation, SortedMap<Integer, LayerSummary> layers, List<FeatureLine> best,
                          List<FeatureLine> worst, List<FeatureLine> dead, Map<String, List<FeatureLine>> watched,
                          List<Failure> failures, List<FeatureSpend> spending) {

    /** What one feature's LLM calls spent (features that spent nothing are left out); totals are in {@code status.spent}. */
    public record FeatureSpend(String feature, long inputTokens, long outputTokens) {
    }

    /** Histogram bins: [-1, 0) and ten bins of 0.1 over [0, 1]. */
    public static final List<String> BINS = List.of("<0", "0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9");
    public static final int TOP = 10;

    /** @param causalScored features of the layer with a causal score; {@code meanCausal} is their mean */
    public record LayerSummary(int layer, int features, int scored, int dead, Double meanScore, int[] histogram,
                               int causalScored, Double meanCausal) {
    }

    /**
     * @param causal    the causal selectivity, null when not measured
     * @param topTokens the tokens at the max of the feature's strongest windows, strongest first
     */
    public record FeatureLine(String feature, String explanation, Double score, Double causal, double maxActivation,
                              List<String> topTokens) {
    }

    public record Failure(String feature, String error) {
    }

    public static AuditReport of(AuditResults results) {
        SortedMap<Integer, List<ProgressEntry>> byLayer = new TreeMap<>();
        List<FeatureLine> scoredLines = new ArrayList<>(), dead = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        Map<String, List<FeatureLine>> watched = new java.util.LinkedHashMap<>();
        for (String c : results.request().watchedConcepts()) watched.put(c, new ArrayList<>());

        for (ProgressEntry e : results.entries()) {
            byLayer.computeIfAbsent(e.layer(), l -> new ArrayList<>()).add(e);
            if (!e.ok()) {
                failures.add(new Failure(e.feature(), e.error()));
                continue;
            }
            FeatureResult r = e.result();
            FeatureLine line = new FeatureLine(e.feature(), r.explanation(), r.simulation(), r.causal(), r.maxActivation(), r.topTokens());
            if (r.dead()) dead.add(line);
            else if (r.simulation() != null) scoredLines.add(line);
            String text = r.explanation().toLowerCase(Locale.ROOT);
            for (String c : results.request().watchedConcepts()) {
                if (!r.dead() && text.contains(c.toLowerCase(Locale.ROOT).strip())) watched.get(c).add(line);
            }
        }

        SortedMap<Integer, LayerSummary> layers = new TreeMap<>();
        byLayer.forEach((layer, entries) -> {
            int[] hist = new int[BINS.size()];
            int scored = 0, deadCount = 0, causalScored = 0;
            double sum = 0, causalSum = 0;
            for (ProgressEntry e : entries) {
                if (!e.ok()) continue;
                if (e.result().dead()) {
                    deadCount++;
                    continue;
                }
                if (e.result().causal() != null) {
                    causalScored++;
                    causalSum += e.result().causal();
                }
                Double s = e.result().simulation();
                if (s == null) continue;
                scored++;
                sum += s;
                hist[bin(s)]++;
            }
            layers.put(layer, new LayerSummary(layer, entries.size(), scored, deadCount, scored == 0 ? null : sum / scored, hist,
                    causalScored, causalScored == 0 ? null : causalSum / causalScored));
        });

        Comparator<FeatureLine> byScore = Comparator.comparingDouble(FeatureLine::score);
        List<FeatureLine> best = scoredLines.stream().sorted(byScore.reversed().thenComparing(FeatureLine::feature)).limit(TOP).toList();
        List<FeatureLine> worst = scoredLines.stream().sorted(byScore.thenComparing(FeatureLine::feature)).limit(TOP).toList();
        Double mean = scoredLines.isEmpty() ? null : scoredLines.stream().mapToDouble(FeatureLine::score).average().orElseThrow();
        dead.sort(Comparator.comparing(FeatureLine::feature));
        List<FeatureSpend> spending = results.entries().stream().filter(ProgressEntry::ok)
                .filter(e -> e.result().inputTokens() != null || e.result().outputTokens() != null)
                .map(e -> new FeatureSpend(e.feature(), e.result().inputTokens() == null ? 0 : e.result().inputTokens(),
                        e.result().outputTokens() == null ? 0 : e.result().outputTokens()))
                .filter(f -> f.inputTokens() + f.outputTokens() > 0).toList();
        return new AuditReport(results.status(), results.request(), scoredLines.size(), mean, meanCausal(results),
                causalCorrelation(scoredLines), layers, best, worst, dead, watched, failures, spending);
    }

    private static Double meanCausal(AuditResults results) {
        var causal = results.entries().stream().filter(ProgressEntry::ok).map(ProgressEntry::result)
                .filter(r -> !r.dead() && r.causal() != null).mapToDouble(FeatureResult::causal).summaryStatistics();
        return causal.getCount() == 0 ? null : causal.getAverage();
    }

    /** Pearson of simulation vs causal over scored features with both; null when fewer than 3 or undefined. */
    static Double causalCorrelation(List<FeatureLine> scored) {
        List<FeatureLine> both = scored.stream().filter(l -> l.causal() != null).toList();
        if (both.size() < 3) return null;
        double r = lantern.eval.score.Pearson.of(both.stream().mapToDouble(FeatureLine::score).toArray(),
                both.stream().mapToDouble(FeatureLine::causal).toArray());
        return Double.isFinite(r) ? r : null;
    }

    static int bin(double score) {
        if (score < 0) return 0;
        return 1 + Math.min(9, (int) Math.floor(score * 10));
    }
}
