package lantern.eval.audit;

import lantern.api.audit.AuditStatus;
import lantern.api.audit.AuditRequest;
import lantern.eval.audit.ScoreIntervals;
import lantern.eval.audit.ProgressEntry;
import lantern.eval.audit.FeatureResult;
import lantern.eval.audit.AuditResults;
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
 * Scores' 95% intervals (see {@link ScoreIntervals}): each line carries its feature's, each layer (and the whole
 * audit, {@code intervals}) says how wide they are on average and how many features' simulation score is above 0 /
 * at least {@value #GOOD} even at the interval's lower bound.
 */
public record AuditReport(AuditStatus status, AuditRequest request, int scored, Double meanScore, Double meanCausal,
                          Double causalCorrelation, SortedMap<Integer, LayerSummary> layers, List<FeatureLine> best,
                          List<FeatureLine> worst, List<FeatureLine> dead, Map<String, List<FeatureLine>> watched,
                          List<Failure> failures, List<FeatureSpend> spending, IntervalSummary intervals) {
    /** A simulation score of at least this counts as well explained (the threshold the README uses). */
    public static final double GOOD = 0.5;
    /** Points a layer's sorted-score plot keeps at most (evenly spaced ranks). */
    public static final int PLOT_POINTS = 200;

    /** What one feature's LLM calls spent (features that spent nothing are left out); totals are in {@code status.spent}. */
    public record FeatureSpend(String feature, long inputTokens, long outputTokens) {
    }

    /** Histogram bins: [-1, 0) and ten bins of 0.1 over [0, 1]. */
    public static final List<String> BINS = List.of("<0", "0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9");
    public static final int TOP = 10;

    /**
     * @param causalScored features of the layer with a causal score; {@code meanCausal} is their mean
     * @param intervals    how wide the layer's intervals are and how many scores hold up at their lower bound
     * @param sorted       the layer's simulation scores with their intervals, best first (at most
     *                     {@value #PLOT_POINTS}, evenly spaced ranks when there are more): the report plots them
     */
    public record LayerSummary(int layer, int features, int scored, int dead, Double meanScore, int[] histogram,
                               int causalScored, Double meanCausal, IntervalSummary intervals, List<ScorePoint> sorted) {
    }

    /** One feature's simulation score and its 95% interval (bounds null when it has none). */
    public record ScorePoint(String feature, double score, Double lo, Double hi) {
    }

    /**
     * What the 95% intervals say over a set of features.
     *
     * @param simulationIntervals      scored features whose simulation score has an interval
     * @param meanSimulationWidth      their mean interval width (hi − lo); null without any
     * @param simulationLowAboveZero   features whose simulation interval lies above 0 (better than chance)
     * @param simulationLowAtLeastGood features whose simulation lower bound is at least {@value #GOOD}
     * @param detectionIntervals       features whose detection score has an interval
     * @param meanDetectionWidth       their mean width
     * @param detectionLowAboveHalf    features whose detection interval lies above 0.5 (chance for balanced accuracy)
     */
    public record IntervalSummary(int simulationIntervals, Double meanSimulationWidth, int simulationLowAboveZero,
                                  int simulationLowAtLeastGood, int detectionIntervals, Double meanDetectionWidth,
                                  int detectionLowAboveHalf) {
        static IntervalSummary of(List<FeatureResult> results) {
            int sim = 0, above = 0, good = 0, det = 0, detAbove = 0;
            double simWidth = 0, detWidth = 0;
            for (FeatureResult r : results) {
                ScoreIntervals.Ci s = r.intervals().simulation(), d = r.intervals().detection();
                if (r.simulation() != null && s != null && s.hasBounds()) {
                    sim++;
                    simWidth += s.width();
                    if (s.lo() > 0) above++;
                    if (s.lo() >= GOOD) good++;
                }
                if (r.detection() != null && d != null && d.hasBounds()) {
                    det++;
                    detWidth += d.width();
                    if (d.lo() > 0.5) detAbove++;
                }
            }
            return new IntervalSummary(sim, sim == 0 ? null : simWidth / sim, above, good, det,
                    det == 0 ? null : detWidth / det, detAbove);
        }
    }

    /**
     * @param causal    the causal selectivity, null when not measured
     * @param topTokens the tokens at the max of the feature's strongest windows, strongest first
     * @param intervals the 95% intervals of the feature's scores (simulation's is the one beside {@code score})
     * @param output    a decoder feature's output side (output score, promoted tokens) beside its label; null for
     *                  encoder features
     */
    public record FeatureLine(String feature, String explanation, Double score, Double causal, double maxActivation,
                              List<String> topTokens, ScoreIntervals intervals, FeatureResult.Output output) {
        public FeatureLine {
            if (intervals == null) intervals = ScoreIntervals.NONE;
        }

        public FeatureLine(String feature, String explanation, Double score, Double causal, double maxActivation,
                           List<String> topTokens, ScoreIntervals intervals) {
            this(feature, explanation, score, causal, maxActivation, topTokens, intervals, null);
        }
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
            FeatureLine line = new FeatureLine(e.feature(), r.explanation(), r.simulation(), r.causal(), r.maxActivation(),
                    r.topTokens(), r.intervals(), r.output());
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
            List<FeatureResult> alive = new ArrayList<>();
            List<ScorePoint> points = new ArrayList<>();
            for (ProgressEntry e : entries) {
                if (!e.ok()) continue;
                if (e.result().dead()) {
                    deadCount++;
                    continue;
                }
                alive.add(e.result());
                if (e.result().causal() != null) {
                    causalScored++;
                    causalSum += e.result().causal();
                }
                Double s = e.result().simulation();
                if (s == null) continue;
                scored++;
                sum += s;
                hist[bin(s)]++;
                ScoreIntervals.Ci ci = e.result().intervals().simulation();
                points.add(new ScorePoint(e.feature(), s, ci == null ? null : ci.lo(), ci == null ? null : ci.hi()));
            }
            layers.put(layer, new LayerSummary(layer, entries.size(), scored, deadCount, scored == 0 ? null : sum / scored, hist,
                    causalScored, causalScored == 0 ? null : causalSum / causalScored, IntervalSummary.of(alive),
                    plotPoints(points)));
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
        List<FeatureResult> alive = results.entries().stream().filter(ProgressEntry::ok).map(ProgressEntry::result)
                .filter(r -> !r.dead()).toList();
        return new AuditReport(results.status(), results.request(), scoredLines.size(), mean, meanCausal(results),
                causalCorrelation(scoredLines), layers, best, worst, dead, watched, failures, spending, IntervalSummary.of(alive));
    }

    /** Best first; at most {@link #PLOT_POINTS}, evenly spaced ranks (always the best and the worst). */
    static List<ScorePoint> plotPoints(List<ScorePoint> points) {
        List<ScorePoint> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparingDouble(ScorePoint::score).reversed().thenComparing(ScorePoint::feature));
        if (sorted.size() <= PLOT_POINTS) return List.copyOf(sorted);
        List<ScorePoint> out = new ArrayList<>(PLOT_POINTS);
        for (int i = 0; i < PLOT_POINTS; i++) out.add(sorted.get((int) Math.round(i * (sorted.size() - 1) / (double) (PLOT_POINTS - 1))));
        return List.copyOf(out);
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
