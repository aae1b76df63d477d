package lantern.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import lantern.eval.causal.CausalScore;

/**
 * The scores part of the REST contract. NaN (undefined, e.g. a constant simulation) is written as null.
 *
 * @param simulation     Pearson of simulated vs true activations over held-out top + random windows
 * @param simulator      which simulator produced it
 * @param detection      balanced accuracy of "does it fire in this window?"
 * @param detector       which detector answered
 * @param embedding      ROC AUC of explanation-window embedding similarity
 * @param embedder       which sentence embedder
 * @param causal         the feature's causal check (ablation), null when it was not run (or stored before it existed)
 * @param nHeldOutTop    held-out top windows scored
 * @param nRandom        random windows scored
 * @param nFailed        windows whose simulation failed and were left out
 * @param simulationFailures why simulation windows failed: one-line reason → windows (empty when none; null in
 *                       results stored before it existed)
 * @param detectionFailures  why detection windows went unanswered, the same way
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ExplanationScores(Double simulation, String simulator, Double detection, String detector, Double embedding,
                                String embedder, Causal causal, int nHeldOutTop, int nRandom, int nFailed,
                                java.util.Map<String, Integer> simulationFailures, java.util.Map<String, Integer> detectionFailures) {
    public ExplanationScores(Double simulation, String simulator, Double detection, String detector, Double embedding,
                             String embedder, Causal causal, int nHeldOutTop, int nRandom, int nFailed) {
        this(simulation, simulator, detection, detector, embedding, embedder, causal, nHeldOutTop, nRandom, nFailed, null, null);
    }

    /** Every scoring window's simulation failed: the score is n/a and the first failure reason says why. */
    public boolean allSimulationsFailed() {
        return nFailed > 0 && nHeldOutTop + nRandom == 0;
    }

    static Double finite(double d) {
        return Double.isNaN(d) || Double.isInfinite(d) ? null : d;
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
                         int randomTexts, String intervention) {
        static Causal of(CausalScore s) {
            return new Causal(finite(s.selectivity()), finite(s.ratio()), s.topEffect(), s.randomEffect(), s.topTexts(),
                    s.randomTexts(), s.intervention());
        }
    }
}
