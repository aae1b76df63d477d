package lantern.subject.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import lantern.subject.HookFunction;

/**
 * Interventions through an SAE, as hook functions for the SAE's own hook point.
 *
 * <p>Clamping keeps the SAE's error term: the output is {@code decode(f') + (x − decode(f))}, where {@code f'} is
 * {@code f} with one feature set to a value. Everything the SAE fails to reconstruct flows on untouched, so only
 * the chosen feature changes (the "Golden Gate" intervention). Since decoding is affine this equals
 * {@code x + (value − f_j) · W_dec[j]}, which is how it is computed.
 */
public final class SaeInterventions {
    private SaeInterventions() {
    }

    /** Sets feature {@code feature} to {@code value} at every token, keeping the reconstruction error. */
    public static HookFunction clamp(Sae sae, int feature, float value) {
        sae.requireFeature(feature);
        return x -> {
            NDArray scale = sae.normalizes() ? sae.normScale(x) : null;
            NDArray xin = scale == null ? x : x.mul(scale);
            NDArray f = sae.activate(sae.preActivations(xin));
            NDArray current = f.get(new NDIndex("..., {}:{}", feature, feature + 1));
            NDArray row = sae.wDec().get(feature);
            NDArray delta = current.neg().add(value).mul(row);
            return scale == null ? x.add(delta) : x.add(delta.div(scale));
        };
    }

    /** Zero-ablates one feature (clamp to 0), keeping the error term. */
    public static HookFunction ablate(Sae sae, int feature) {
        return clamp(sae, feature, 0f);
    }

    /** Replaces the activation by the SAE's reconstruction (no error term): what the SAE alone explains. */
    public static HookFunction splice(Sae sae) {
        return sae::reconstruct;
    }
}
