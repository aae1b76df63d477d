package lantern.eval.score;

import lantern.api.ActivationRecord;
import lantern.explainer.explain.DiscreteActivations;

import java.util.List;

/**
 * Which scoring windows count as "the feature fires here" for detection and embedding AUC: a window whose
 * strongest token reaches at least 1 on the prompt's 0..10 scale (10 % of the explain set's maximum). Labels come
 * from the activations, not from which list a window was drawn from, so a random window that does fire is a
 * positive (a fair detector should say yes to it).
 */
public final class WindowLabels {
    private WindowLabels() {
    }

    public static boolean fires(ActivationRecord r, float maxActivation) {
        return DiscreteActivations.scale(r.max(), maxActivation) >= 1;
    }

    public static boolean[] of(List<ActivationRecord> windows, float maxActivation) {
        boolean[] out = new boolean[windows.size()];
        for (int i = 0; i < out.length; i++) out[i] = fires(windows.get(i), maxActivation);
        return out;
    }
}
