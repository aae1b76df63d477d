package lantern.service;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The scores part of the REST contract. NaN (undefined, e.g. a constant simulation) is written as null.
 *
 * @param simulation     Pearson of simulated vs true activations over held-out top + random windows
 * @param simulator      which simulator produced it
 * @param detection      balanced accuracy of "does it fire in this window?"
 * @param detector       which detector answered
 * @param embedding      ROC AUC of explanation-window embedding similarity
 * @param embedder       which sentence embedder
 * @param nHeldOutTop    held-out top windows scored
 * @param nRandom        random windows scored
 * @param nFailed        windows whose simulation failed and were left out
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ExplanationScores(Double simulation, String simulator, Double detection, String detector, Double embedding,
                                String embedder, int nHeldOutTop, int nRandom, int nFailed) {
    static Double finite(double d) {
        return Double.isNaN(d) || Double.isInfinite(d) ? null : d;
    }
}
