package lantern.subject.sae;

import lantern.subject.HookNames;

/**
 * What an SAE reads and how it activates, as in SAELens's {@code cfg.json}.
 *
 * @param model                 the subject model id ("minilm-l6")
 * @param hookName              the hook point it reads ("blocks.3.hook_resid_post")
 * @param k                     active features per token for TopK (per-token mean for BatchTopK/Matryoshka), 0 otherwise
 * @param applyBDecToInput      subtract {@code b_dec} from the input before encoding
 * @param normalizeActivations  "none" or "constant_norm_rescale" (inputs scaled to norm sqrt(d_in), outputs back)
 */
public record SaeConfig(String model, String hookName, int dIn, int dSae, SaeArchitecture architecture, int k,
                        boolean applyBDecToInput, String normalizeActivations) {
    public SaeConfig {
        if (hookName == null || hookName.isBlank()) throw new IllegalArgumentException("SAE cfg has no hook_name");
        if (dIn <= 0 || dSae <= 0) throw new IllegalArgumentException("d_in and d_sae must be positive: " + dIn + ", " + dSae);
        if (architecture == null) throw new IllegalArgumentException("SAE cfg has no architecture");
        if (architecture.usesK() && (k <= 0 || k > dSae)) {
            throw new IllegalArgumentException("a " + architecture.cfgName() + " SAE needs 0 < k <= d_sae, got k=" + k);
        }
        if (!architecture.usesK()) k = 0;
        if (normalizeActivations == null) normalizeActivations = "none";
        if (!normalizeActivations.equals("none") && !normalizeActivations.equals("constant_norm_rescale")) {
            throw new IllegalArgumentException("unsupported normalize_activations '" + normalizeActivations
                    + "' (none, constant_norm_rescale; fold a scaling factor into the weights first)");
        }
        if (model == null || model.isBlank()) model = "unknown";
    }

    public static SaeConfig topK(String model, String hook, int dIn, int dSae, int k) {
        return new SaeConfig(model, hook, dIn, dSae, SaeArchitecture.TOPK, k, true, "none");
    }

    public static SaeConfig relu(String model, String hook, int dIn, int dSae) {
        return new SaeConfig(model, hook, dIn, dSae, SaeArchitecture.STANDARD, 0, true, "none");
    }

    /** The layer of the hook, or -1 for model-level hooks. */
    public int layer() {
        return HookNames.layerOf(hookName);
    }

    /**
     * The feature kind used in feature ids, e.g. {@code sae-resid_post-k32} for a TopK SAE on
     * {@code blocks.3.hook_resid_post}, {@code sae-mlp_post-relu} for a ReLU one on {@code mlp.hook_post}.
     */
    public String kind() {
        // blocks.3.hook_resid_post -> resid_post, blocks.3.mlp.hook_post -> mlp_post
        String site = hookName.replaceFirst("^blocks\\.\\d+\\.", "").replace("hook_", "").replace('.', '_');
        String act = switch (architecture) {
            case TOPK -> "k" + k;
            case STANDARD -> "relu";
            case JUMPRELU -> "jumprelu";
            case BATCHTOPK -> "batchtopk" + k;
            case MATRYOSHKA -> "matryoshka" + k;
        };
        return "sae-" + site + "-" + act;
    }
}
