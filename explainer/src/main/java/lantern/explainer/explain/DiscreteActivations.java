package lantern.explainer.explain;

import lantern.api.ActivationRecord;

import java.util.List;

/** The 0..10 integer scale activations are shown on in prompts: {@code floor(10 * max(a,0) / maxActivation)}. */
public final class DiscreteActivations {
    private DiscreteActivations() {
    }

    public static int scale(float activation, float maxActivation) {
        if (!(maxActivation > 0) || !(activation > 0)) return 0;
        return (int) Math.min(10, Math.floor(10.0 * activation / maxActivation));
    }

    public static int[] scale(ActivationRecord record, float maxActivation) {
        int[] out = new int[record.size()];
        for (int i = 0; i < out.length; i++) out[i] = scale(record.activations()[i], maxActivation);
        return out;
    }

    /** The largest activation over the records (0 when none is positive). */
    public static float maxActivation(List<ActivationRecord> records) {
        float max = 0;
        for (ActivationRecord r : records) max = Math.max(max, r.max());
        return max;
    }
}
