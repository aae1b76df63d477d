package lantern.eval.selfreport;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import lantern.subject.HookFunction;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.Generation;
import lantern.subject.decoder.Generator;
import lantern.api.generate.Sampling;
import lantern.subject.lens.Patchscope;
import lantern.subject.lens.PatchscopePreset;

/**
 * The training-free self-reports of a decoder's residual state, as text the round trip can score: the identity
 * Patchscope (the state written at the placeholder of the few-shot "repeat the token" prompt, the model's answer up to
 * the end of the line) and the logit lens (the top token of the final norm and unembedding applied to the state).
 */
public final class SelfReports {
    public static final int PATCHSCOPE_TOKENS = 8;

    private SelfReports() {
    }

    /** True when {@code hook} is a residual stream the Patchscope and lens read ({@code blocks.L.hook_resid_post}). */
    public static boolean readsResidual(String hook) {
        return hook.startsWith("blocks.") && hook.endsWith(".hook_resid_post");
    }

    /** True when the identity prompt and its answer fit the model's context. */
    public static boolean patchscopeFits(DecoderModel model) {
        return model.tokenizer().encode(PatchscopePreset.IDENTITY.prompt(), true).length() + PATCHSCOPE_TOKENS
                <= model.config().contextLength() && PatchscopePreset.IDENTITY.targetPosition(model) >= 0;
    }

    /** The identity Patchscope's reading of a resid_post state of {@code layer}. */
    public static String patchscope(DecoderModel model, int layer, float[] state) {
        PatchscopePreset preset = PatchscopePreset.IDENTITY;
        int pos = preset.targetPosition(model);
        if (pos < 0) return "";
        long[] ids = Generator.promptIds(model, preset.prompt());
        Hooks patch = Hooks.none().replace(HookNames.residPost(layer), Patchscope.writeAt(pos, state));
        Generation g = Generator.withCache(model, ids, Sampling.greedy(PATCHSCOPE_TOKENS), patch);
        return answer(g.text());
    }

    /** The answer in an identity continuation: after "->" when the model writes it, up to the end of the line. */
    static String answer(String generated) {
        String s = generated;
        int arrow = s.indexOf("->");
        if (arrow >= 0) s = s.substring(arrow + 2);
        int nl = s.indexOf('\n');
        if (nl >= 0) s = s.substring(0, nl);
        return s.strip();
    }

    /** SelfIE-style: how many placeholder positions carry the state, and the words after them. */
    public static final int SELFIE_PLACEHOLDERS = 5;
    public static final String SELFIE_SUFFIX = " . In other words ,";

    /**
     * The SelfIE-style prompt (Chen et al. 2024, "SelfIE: Self-Interpretation of Large Language Model Embeddings",
     * adapted to a base model trained on Brown, which follows no instructions): BOS, {@value #SELFIE_PLACEHOLDERS}
     * placeholder tokens (positions 1..{@value #SELFIE_PLACEHOLDERS}, the state is written at every one), then
     * "{@value #SELFIE_SUFFIX}", asking the model to restate what the placeholders said.
     */
    public static long[] selfiePrompt(DecoderModel model) {
        long bos = model.bosId();
        if (bos < 0) throw new IllegalArgumentException(model.info().id() + " has no BOS token");
        long placeholder = model.tokenizer().encode(" _", false).ids()[0];
        long[] suffix = model.tokenizer().encode(SELFIE_SUFFIX, false).ids();
        long[] ids = new long[1 + SELFIE_PLACEHOLDERS + suffix.length];
        ids[0] = bos;
        java.util.Arrays.fill(ids, 1, 1 + SELFIE_PLACEHOLDERS, placeholder);
        System.arraycopy(suffix, 0, ids, 1 + SELFIE_PLACEHOLDERS, suffix.length);
        return ids;
    }

    /** True when the SelfIE-style prompt and its answer fit the model's context. */
    public static boolean selfieFits(DecoderModel model) {
        return model.bosId() >= 0
                && selfiePrompt(model).length + PATCHSCOPE_TOKENS <= model.config().contextLength();
    }

    /**
     * The SelfIE-style reading of a resid_post state of {@code layer}: the state replaces resid_post of the same
     * layer at every placeholder (SelfIE injects at one chosen layer; here the state's own layer, as the identity
     * Patchscope does), and the model's greedy continuation up to the end of the line is the answer.
     */
    public static String selfie(DecoderModel model, int layer, float[] state) {
        long[] ids = selfiePrompt(model);
        Hooks patch = Hooks.none().replace(HookNames.residPost(layer), selfieWrite(state));
        Generation g = Generator.withCache(model, ids, Sampling.greedy(PATCHSCOPE_TOKENS), patch);
        return answer(g.text());
    }

    /** Writes {@code state} at positions 1..{@value #SELFIE_PLACEHOLDERS} of the prompt's pass (later steps pass). */
    public static HookFunction selfieWrite(float[] state) {
        return x -> {
            if (x.getShape().get(1) < 1 + SELFIE_PLACEHOLDERS) return x;  // a later cached step
            NDArray y = x.duplicate();
            NDArray s = x.getManager().create(state, new Shape(1, 1, state.length)).repeat(1, SELFIE_PLACEHOLDERS);
            y.set(new ai.djl.ndarray.index.NDIndex(":, 1:" + (1 + SELFIE_PLACEHOLDERS) + ", :"), s);
            return y;
        };
    }

    /** The logit lens's top token for a residual state, as text. */
    public static String lens(DecoderModel model, float[] state) {
        try (NDManager m = model.manager().newSubManager()) {
            NDArray x = m.create(state, new Shape(1, state.length));
            float[] logits = model.logits(model.finalNorm(x)).toFloatArray();
            int best = 0;
            for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
            return model.tokenizer().decode(new long[]{best}).strip();
        }
    }
}
