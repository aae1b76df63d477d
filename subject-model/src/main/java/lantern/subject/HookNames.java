package lantern.subject;

/**
 * Stable hook-point names, the same as TransformerLens uses, so a notebook user can read ours at a glance.
 *
 * <p>For post-LayerNorm encoders (BERT, MiniLM) {@code resid_mid} and {@code resid_post} are the outputs of the
 * LayerNorm that follows each residual sum: that is what flows into the next sub-block there.
 *
 * <p>Every model has {@code attn.hook_z} ({@code [batch, tokens, heads, d_head]}: each head's mix of values, before
 * {@code W_O}) and {@code mlp.hook_in} (what the MLP's first matrices read: after the norm and its gain). Pre-norm
 * decoders also have {@code ln1.hook_normalized} and {@code ln2.hook_normalized}: the normalized input of the
 * attention and MLP sub-blocks before the norm's gain (and bias), x/σ as TransformerLens defines them
 * ((x − μ)/σ for LayerNorm, x/rms for RMSNorm).
 *
 * <p>TransformerLens 3's canonical names are accepted as aliases ({@link #canonical}): {@code blocks.{l}.hook_in}
 * = {@code hook_resid_pre}, {@code blocks.{l}.hook_out} = {@code hook_resid_post}, {@code blocks.{l}.attn.hook_out}
 * = {@code hook_attn_out}, {@code blocks.{l}.mlp.hook_out} = {@code hook_mlp_out}. A run asked for an alias caches
 * under the alias (and the canonical name); listings name the canonical points.
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
    /** Each head's mix of values before the output projection, {@code [batch, tokens, heads, d_head]}. */
    public static String attnZ(int layer) { return "blocks." + layer + ".attn.hook_z"; }
    /** The attention sub-block's normalized input before the gain (pre-norm decoders only). */
    public static String ln1Normalized(int layer) { return "blocks." + layer + ".ln1.hook_normalized"; }
    /** The MLP sub-block's normalized input before the gain (pre-norm decoders only). */
    public static String ln2Normalized(int layer) { return "blocks." + layer + ".ln2.hook_normalized"; }
    /** What the MLP's first matrices read (after the norm and its gain; TransformerLens 3's {@code mlp.hook_in}). */
    public static String mlpIn(int layer) { return "blocks." + layer + ".mlp.hook_in"; }
    public static String mlpPre(int layer) { return "blocks." + layer + ".mlp.hook_pre"; }
    /** The MLP neurons: activations after the non-linearity. */
    public static String mlpPost(int layer) { return "blocks." + layer + ".mlp.hook_post"; }
    public static String mlpOut(int layer) { return "blocks." + layer + ".hook_mlp_out"; }
    public static String residPost(int layer) { return "blocks." + layer + ".hook_resid_post"; }

    /**
     * Every hook name of a model with {@code layers} blocks, in the order a forward pass meets them: the points
     * every model has (a post-norm encoder's list; pre-norm decoders add the norms', see {@link #preNorm}).
     */
    public static java.util.List<String> all(int layers) {
        return list(layers, false);
    }

    /** Every hook name of a pre-norm decoder: {@link #all} plus {@code ln1/ln2.hook_normalized} in their place. */
    public static java.util.List<String> preNorm(int layers) {
        return list(layers, true);
    }

    private static java.util.List<String> list(int layers, boolean preNorm) {
        var names = new java.util.ArrayList<String>();
        names.add(EMBED);
        for (int l = 0; l < layers; l++) {
            names.add(residPre(l));
            if (preNorm) names.add(ln1Normalized(l));
            names.add(attnPattern(l));
            names.add(attnZ(l));
            names.add(attnOut(l));
            names.add(residMid(l));
            if (preNorm) names.add(ln2Normalized(l));
            names.add(mlpIn(l));
            names.add(mlpPre(l));
            names.add(mlpPost(l));
            names.add(mlpOut(l));
            names.add(residPost(l));
        }
        names.add(LN_FINAL);
        return java.util.List.copyOf(names);
    }

    /**
     * The hook point a name stands for: TransformerLens 3's aliases ({@code blocks.{l}.hook_in}, {@code hook_out},
     * {@code attn.hook_out}, {@code mlp.hook_out}) map to our names; any other name is returned as it is.
     */
    public static String canonical(String name) {
        if (!name.startsWith("blocks.")) return name;
        int dot = name.indexOf('.', 7);
        if (dot < 0) return name;
        String prefix = name.substring(0, dot);
        return switch (name.substring(dot + 1)) {
            case "hook_in" -> prefix + ".hook_resid_pre";
            case "hook_out" -> prefix + ".hook_resid_post";
            case "attn.hook_out" -> prefix + ".hook_attn_out";
            case "mlp.hook_out" -> prefix + ".hook_mlp_out";
            default -> name;
        };
    }

    /** The layer a block hook belongs to, or -1 for model-level hooks. */
    public static int layerOf(String hook) {
        if (!hook.startsWith("blocks.")) return -1;
        int dot = hook.indexOf('.', 7);
        return Integer.parseInt(hook.substring(7, dot));
    }

    /** Throws a clear error when {@code hook} (or the point its alias stands for) is not in {@code valid}. */
    public static void requireValid(String hook, java.util.List<String> valid) {
        if (!valid.contains(canonical(hook))) throw unknown(hook, valid);
    }

    /**
     * Throws {@link UnknownHookException} for the first name {@code hooks} caches or replaces that is not in
     * {@code valid}; the message lists the valid names (block names once, with the layer range) and the closest.
     */
    public static void validate(Hooks hooks, java.util.Collection<String> valid) {
        java.util.Set<String> known = valid instanceof java.util.Set<String> s ? s : new java.util.HashSet<>(valid);
        for (String name : hooks.names()) {
            if (!known.contains(canonical(name))) throw unknown(name, valid);
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
