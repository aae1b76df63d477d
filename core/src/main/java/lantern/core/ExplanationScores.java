package lantern.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import lantern.api.causal.CausalScore;

/**
 * The scores part of the REST contract. NaN (undefined, e.g. a constant simulation) is written as null.
 *
 * @param simulation     Pearson of simulated vs true activations over held-out top + random windows
 * @param simulator      which simulator produced it
 * @param detection      balanced accuracy of "does it fire in this window?"
 * @param detector       which detector answered
 * @param embedding      ROC AUC of explanation-window embedding similarity
 * @param embedder       which sentence embedder
 * @param causal         the feature's causal check (ablation), null when it was not run (or stored before it existed);
 *                       its {@code ci95} bounds the selectivity (top and random texts resampled apart)
 * @param nHeldOutTop    held-out top windows scored
 * @param nRandom        random windows scored
 * @param nFailed        windows whose simulation failed and were left out
 * @param simulationFailures why simulation windows failed: one-line reason → windows (empty when none; null in
 *                       results stored before it existed)
 * @param detectionFailures  why detection windows went unanswered, the same way
 * @param intervals      95% bootstrap intervals of simulation, detection and embedding (see {@link ExplanationScoresJson}
 *                       for the JSON shape {@code "simulation": {"value", "ci95": [lo, hi], "n"}}); none for scores
 *                       stored before intervals existed
 * @param fuzzing        fuzzing balanced accuracy (highlighted firing tokens vs random ones), judged like detection;
 *                       null when not run (or stored before it existed)
 * @param intruder       intruder accuracy (pick the window that does not fire among firing ones; chance 0.25)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonSerialize(using = ExplanationScoresJson.Writer.class)
@JsonDeserialize(using = ExplanationScoresJson.Reader.class)
public record ExplanationScores(Double simulation, String simulator, Double detection, String detector, Double embedding,
                                String embedder, Causal causal, int nHeldOutTop, int nRandom, int nFailed,
                                java.util.Map<String, Integer> simulationFailures, java.util.Map<String, Integer> detectionFailures,
                                Intervals intervals, Double fuzzing, Double intruder) {
    public ExplanationScores {
        if (intervals == null) intervals = Intervals.NONE;
    }

    public ExplanationScores(Double simulation, String simulator, Double detection, String detector, Double embedding,
                             String embedder, Causal causal, int nHeldOutTop, int nRandom, int nFailed) {
        this(simulation, simulator, detection, detector, embedding, embedder, causal, nHeldOutTop, nRandom, nFailed, null, null, null, null, null);
    }

    public ExplanationScores(Double simulation, String simulator, Double detection, String detector, Double embedding,
                             String embedder, Causal causal, int nHeldOutTop, int nRandom, int nFailed,
                             java.util.Map<String, Integer> simulationFailures, java.util.Map<String, Integer> detectionFailures) {
        this(simulation, simulator, detection, detector, embedding, embedder, causal, nHeldOutTop, nRandom, nFailed,
                simulationFailures, detectionFailures, null, null, null);
    }

    public ExplanationScores(Double simulation, String simulator, Double detection, String detector, Double embedding,
                             String embedder, Causal causal, int nHeldOutTop, int nRandom, int nFailed,
                             Intervals intervals, Double fuzzing, Double intruder) {
        this(simulation, simulator, detection, detector, embedding, embedder, causal, nHeldOutTop, nRandom, nFailed,
                null, null, intervals, fuzzing, intruder);
    }

    /** Every scoring window's simulation failed: the score is n/a and the first failure reason says why. */
    public boolean allSimulationsFailed() {
        return nFailed > 0 && nHeldOutTop + nRandom == 0;
    }

    /** The intervals as an audit logs them; the causal one is its {@code ci95} over top + random texts. */
    public lantern.eval.audit.ScoreIntervals auditIntervals() {
        Intervals i = intervals;
        return new lantern.eval.audit.ScoreIntervals(audit(i.simulation()), audit(i.detection()), audit(i.embedding()),
                causal == null ? null : audit(causal.ci()), audit(i.fuzzing()), audit(i.intruder()));
    }

    private static lantern.eval.audit.ScoreIntervals.Ci audit(Ci c) {
        return c == null ? null : new lantern.eval.audit.ScoreIntervals.Ci(c.lo(), c.hi(), c.n());
    }

    static Double finite(double d) {
        return Double.isNaN(d) || Double.isInfinite(d) ? null : d;
    }

    /**
     * A 95% interval [lo, hi] over n resampled units; lo and hi null when it is undefined. {@code reason}: why the
     * score has no value (a scorer that could not score the feature says so), else null.
     */
    public record Ci(Double lo, Double hi, int n, String reason) {
        public Ci(Double lo, Double hi, int n) {
            this(lo, hi, n, null);
        }

        static Ci of(lantern.api.score.Interval i) {
            return of(i, null);
        }

        static Ci of(lantern.api.score.Interval i, String reason) {
            return i == null ? null : new Ci(i.hasBounds() ? finite(i.lo()) : null, i.hasBounds() ? finite(i.hi()) : null, i.n(), reason);
        }
    }

    /** The intervals of the window scores; a null member has none (not run, or stored before intervals). */
    public record Intervals(Ci simulation, Ci detection, Ci embedding, Ci fuzzing, Ci intruder) {
        public static final Intervals NONE = new Intervals(null, null, null, null, null);
    }

    /**
     * What ablating the feature did to the sentence embedding (1 − cosine, clean vs ablated) on texts of its top
     * windows against random windows.
     *
     * @param score        selectivity (top − random) / (top + random), in [−1, 1]: the number shown beside simulation
     * @param ratio        top / random (null when the random effect is 0)
     * @param intervention what was done, e.g. "zero-ablate minilm-l6/0/mlp/17"
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Causal(Double score, Double ratio, double topEffect, double randomEffect, int topTexts,
                         int randomTexts, String intervention, @JsonInclude(JsonInclude.Include.NON_NULL) java.util.List<Double> ci95) {
        public Causal(Double score, Double ratio, double topEffect, double randomEffect, int topTexts, int randomTexts, String intervention) {
            this(score, ratio, topEffect, randomEffect, topTexts, randomTexts, intervention, null);
        }

        /** The interval of the selectivity over the top and random texts (bounds null when it has none). */
        public Ci ci() {
            return new Ci(ci95 == null ? null : ci95.get(0), ci95 == null ? null : ci95.get(1), topTexts + randomTexts);
        }

        static Causal of(CausalScore s) {
            var ci = s.ci95();
            java.util.List<Double> bounds = ci.hasBounds() ? java.util.Arrays.asList(finite(ci.lo()), finite(ci.hi())) : null;
            return new Causal(finite(s.selectivity()), finite(s.ratio()), s.topEffect(), s.randomEffect(), s.topTexts(),
                    s.randomTexts(), s.intervention(), bounds);
        }
    }
}
