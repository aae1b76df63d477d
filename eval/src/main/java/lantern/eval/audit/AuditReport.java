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
 */
public record AuditReport(AuditStatus status, AuditRequest request, int scored, Double meanScore,
                          SortedMap<Integer, LayerSummary> layers, List<FeatureLine> best, List<FeatureLine> worst,
                          List<FeatureLine> dead, Map<String, List<FeatureLine>> watched, List<Failure> failures) {

    /** Histogram bins: [-1, 0) and ten bins of 0.1 over [0, 1]. */
    public static final List<String> BINS = List.of("<0", "0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9");
    public static final int TOP = 10;

    public record LayerSummary(int layer, int features, int scored, int dead, Double meanScore, int[] histogram) {
    }

    /** @param topTokens the tokens at the max of the feature's strongest windows, strongest first */
    public record FeatureLine(String feature, String explanation, Double score, double maxActivation, List<String> topTokens) {
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
            FeatureLine line = new FeatureLine(e.feature(), r.explanation(), r.simulation(), r.maxActivation(), r.topTokens());
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
            int scored = 0, deadCount = 0;
            double sum = 0;
            for (ProgressEntry e : entries) {
                if (!e.ok()) continue;
                if (e.result().dead()) {
                    deadCount++;
                    continue;
                }
                Double s = e.result().simulation();
                if (s == null) continue;
                scored++;
                sum += s;
                hist[bin(s)]++;
            }
            layers.put(layer, new LayerSummary(layer, entries.size(), scored, deadCount, scored == 0 ? null : sum / scored, hist));
        });

        Comparator<FeatureLine> byScore = Comparator.comparingDouble(FeatureLine::score);
        List<FeatureLine> best = scoredLines.stream().sorted(byScore.reversed().thenComparing(FeatureLine::feature)).limit(TOP).toList();
        List<FeatureLine> worst = scoredLines.stream().sorted(byScore.thenComparing(FeatureLine::feature)).limit(TOP).toList();
        Double mean = scoredLines.isEmpty() ? null : scoredLines.stream().mapToDouble(FeatureLine::score).average().orElseThrow();
        dead.sort(Comparator.comparing(FeatureLine::feature));
        return new AuditReport(results.status(), results.request(), scoredLines.size(), mean, layers, best, worst, dead,
                watched, failures);
    }

    static int bin(double score) {
        if (score < 0) return 0;
        return 1 + Math.min(9, (int) Math.floor(score * 10));
    }
}
