package lantern.train;

import lantern.subject.sae.*;

/** Progress of SAE training, for a progress bar. Values are on the current batch. */
@FunctionalInterface
public interface SaeTrainingListener {
    /**
     * @param explainedVariance 1 − FVU on the batch
     * @param dead              features that have not fired for {@code deadAfterTokens}
     * @param resampled         features resampled so far
     */
    void onStep(int step, int steps, float loss, float l0, float explainedVariance, int dead, int resampled);

    SaeTrainingListener NONE = (s, n, l, l0, ev, d, r) -> { };
}
