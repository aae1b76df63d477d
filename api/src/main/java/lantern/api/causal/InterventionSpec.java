package lantern.api.causal;

/**
 * One intervention as a REST client writes it. Types:
 * <ul>
 *   <li>{@code add-direction}: add {@code scale} × a direction (by {@code direction} name or a raw {@code vector})
 *       at {@code hook} (defaults to the named direction's hook);</li>
 *   <li>{@code ablate-direction}: project that direction out at the hook;</li>
 *   <li>{@code ablate-neuron}: set MLP neuron {@code feature} ("minilm-l6/3/mlp/17") to 0, or to {@code value}
 *       (mean ablation, given the neuron's mean);</li>
 *   <li>{@code clamp-sae}: set SAE feature {@code feature} ("minilm-l6/3/sae-resid_post-k32/77") to {@code value},
 *       keeping the SAE's error term; {@code ablate-sae}: the same with value 0.</li>
 * </ul>
 */
public record InterventionSpec(String type, String hook, String direction, float[] vector, Float scale,
                               String feature, Float value) {
    public static InterventionSpec addDirection(String hook, String direction, float scale) {
        return new InterventionSpec("add-direction", hook, direction, null, scale, null, null);
    }

    public static InterventionSpec ablateNeuron(String feature) {
        return new InterventionSpec("ablate-neuron", null, null, null, null, feature, null);
    }

    public static InterventionSpec clampSae(String feature, float value) {
        return new InterventionSpec("clamp-sae", null, null, null, null, feature, value);
    }

    public static InterventionSpec ablateSae(String feature) {
        return new InterventionSpec("ablate-sae", null, null, null, null, feature, null);
    }
}
