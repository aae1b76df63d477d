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
        java.util.List<String> valid = all(layers);
        if (!valid.contains(hook)) throw unknown(hook, valid);
    }

    /**
     * Throws {@link UnknownHookException} for the first name {@code hooks} caches or replaces that is not in
     * {@code valid}; the message lists the valid names (block names once, with the layer range) and the closest.
     */
    public static void validate(Hooks hooks, java.util.Collection<String> valid) {
        java.util.Set<String> known = valid instanceof java.util.Set<String> s ? s : new java.util.HashSet<>(valid);
        for (String name : hooks.names()) {
            if (!known.contains(name)) throw unknown(name, valid);
        }
    }

    static UnknownHookException unknown(String name, java.util.Collection<String> valid) {
        int layers = (int) valid.stream().filter(n -> n.endsWith(".hook_resid_pre")).count();
        var shown = new java.util.LinkedHashSet<String>();
        for (String v : valid) {
            shown.add(layerOf(v) < 0 ? v : "blocks.{0.." + (layers - 1) + "}" + v.substring(v.indexOf('.', 7)));
        }
        String closest = null;
        int best = Integer.MAX_VALUE;
        for (String v : valid) {
            int d = editDistance(name, v);
            if (d < best) {
                best = d;
                closest = v;
            }
        }
        String hint = closest != null && best <= Math.max(3, name.length() / 4) ? " (did you mean '" + closest + "'?)" : "";
        return new UnknownHookException(name, "unknown hook point '" + name + "'" + hint + "; this model has "
                + layers + " layers and these hook points: " + String.join(", ", shown));
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
