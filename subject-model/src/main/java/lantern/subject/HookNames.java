package lantern.subject;

/**
 * Stable hook-point names, the same as TransformerLens uses, so a notebook user can read ours at a glance.
 *
 * <p>For post-LayerNorm encoders (BERT, MiniLM) {@code resid_mid} and {@code resid_post} are the outputs of the
 * LayerNorm that follows each residual sum: that is what flows into the next sub-block there.
 */
public final class HookNames {
    public static final String EMBED = "hook_embed";
    public static final String LN_FINAL = "ln_final.hook_normalized";

    private HookNames() {
    }

    public static String residPre(int layer) { return "blocks." + layer + ".hook_resid_pre"; }
    public static String attnPattern(int layer) { return "blocks." + layer + ".attn.hook_pattern"; }
    public static String attnOut(int layer) { return "blocks." + layer + ".hook_attn_out"; }
    public static String residMid(int layer) { return "blocks." + layer + ".hook_resid_mid"; }
    public static String mlpPre(int layer) { return "blocks." + layer + ".mlp.hook_pre"; }
    /** The MLP neurons: activations after the non-linearity. */
    public static String mlpPost(int layer) { return "blocks." + layer + ".mlp.hook_post"; }
    public static String mlpOut(int layer) { return "blocks." + layer + ".hook_mlp_out"; }
    public static String residPost(int layer) { return "blocks." + layer + ".hook_resid_post"; }

    /** Every hook name of a model with {@code layers} blocks, in the order a forward pass meets them. */
    public static java.util.List<String> all(int layers) {
        var names = new java.util.ArrayList<String>();
        names.add(EMBED);
        for (int l = 0; l < layers; l++) {
            names.add(residPre(l));
            names.add(attnPattern(l));
            names.add(attnOut(l));
            names.add(residMid(l));
            names.add(mlpPre(l));
            names.add(mlpPost(l));
            names.add(mlpOut(l));
            names.add(residPost(l));
        }
        names.add(LN_FINAL);
        return names;
    }

    /** The layer a block hook belongs to, or -1 for model-level hooks. */
    public static int layerOf(String hook) {
        if (!hook.startsWith("blocks.")) return -1;
        int dot = hook.indexOf('.', 7);
        return Integer.parseInt(hook.substring(7, dot));
    }

    /** Throws a clear error when {@code hook} is not a hook of a model with {@code layers} blocks. */
    public static void requireValid(String hook, int layers) {
        if (!all(layers).contains(hook)) {
            throw new lantern.errors.BadRequestException("unknown hook point '" + hook + "' (model has " + layers
                    + " layers; names look like " + mlpPost(0) + ")");
        }
    }
}
