package lantern.subject.fv;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import lantern.subject.HookNames;
import lantern.subject.ActivationCache;
import lantern.subject.Hooks;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.icl.IclTokens;

import java.util.ArrayList;
import java.util.List;

/**
 * The two measurements behind a function vector, on {@code blocks.{l}.attn.hook_z} (each head's mix of values before
 * W_O): each head's mean output at the last token over in-context prompts, and each head's indirect effect on a
 * prompt (the reference's {@code activation_replacement_per_class_intervention}, last token only): the probability
 * of the correct first token when that head's last-token z is replaced by its mean, minus the probability without.
 */
public final class HeadEffects {
    /** Prompts run together in one batch (right-padded). */
    static final int BATCH = 16;
    /** Patched copies of a prompt run together. */
    static final int PATCH_BATCH = 64;

    private HeadEffects() {
    }

    /** A tokenized prompt and the id of its target's first token. */
    public record Encoded(long[] ids, long target) {
    }

    public static Encoded encode(DecoderModel model, IclPrompts.Prompt p) {
        return new Encoded(IclTokens.ids(model, p.text()), IclTokens.answerId(model, p.text(), p.target()));
    }

    /** Mean of hook_z at each prompt's last token: {@code [layers][heads][headDim]}. */
    public static float[][][] meanOutputs(DecoderModel model, List<long[]> prompts) {
        int layers = model.config().layers(), heads = model.config().heads(), hd = model.config().headDim();
        double[][][] sum = new double[layers][heads][hd];
        for (int start = 0; start < prompts.size(); start += BATCH) {
            List<long[]> chunk = prompts.subList(start, Math.min(prompts.size(), start + BATCH));
            int tMax = chunk.stream().mapToInt(a -> a.length).max().orElseThrow();
            long[][] rows = new long[chunk.size()][tMax];
            int[] lengths = new int[chunk.size()];
            for (int i = 0; i < chunk.size(); i++) {
                System.arraycopy(chunk.get(i), 0, rows[i], 0, chunk.get(i).length);
                lengths[i] = chunk.get(i).length;
            }
            try (NDManager m = model.manager().newSubManager()) {
                Hooks hooks = Hooks.none();
                for (int l = 0; l < layers; l++) hooks.cache(HookNames.attnZ(l));
                ActivationCache cached = model.run(m, rows, lengths, hooks).cache();
                for (int l = 0; l < layers; l++) {
                    float[] z = cached.get(HookNames.attnZ(l)).toFloatArray(); // [B, T, H, hd]
                    for (int i = 0; i < chunk.size(); i++) {
                        int base = ((i * tMax) + lengths[i] - 1) * heads * hd;
                        for (int h = 0; h < heads; h++) {
                            for (int k = 0; k < hd; k++) sum[l][h][k] += z[base + h * hd + k];
                        }
                    }
                }
            }
        }
        float[][][] mean = new float[layers][heads][hd];
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                for (int k = 0; k < hd; k++) mean[l][h][k] = (float) (sum[l][h][k] / prompts.size());
            }
        }
        return mean;
    }

    /** Probability of {@code target} at the last token without intervention. */
    public static double cleanProbability(DecoderModel model, Encoded p) {
        try (NDManager m = model.manager().newSubManager()) {
            float[] logits = model.nextTokenLogits(m, p.ids(), null, Hooks.none());
            return IclTokens.softmax(logits)[(int) p.target()];
        }
    }

    /**
     * {@code [layers][heads]}: p(target | head (l, h)'s last-token z set to {@code mean[l][h]}) - p(target). Every
     * head is patched in its own copy of the prompt; copies run in batches.
     */
    public static double[][] indirectEffects(DecoderModel model, Encoded p, float[][][] mean) {
        int layers = model.config().layers(), heads = model.config().heads(), hd = model.config().headDim();
        double clean = cleanProbability(model, p);
        double[][] effect = new double[layers][heads];
        int total = layers * heads;
        int t = p.ids().length;
        for (int start = 0; start < total; start += PATCH_BATCH) {
            int b = Math.min(PATCH_BATCH, total - start);
            long[][] rows = new long[b][];
            int[] lengths = new int[b];
            for (int r = 0; r < b; r++) {
                rows[r] = p.ids();
                lengths[r] = t;
            }
            try (NDManager m = model.manager().newSubManager()) {
                Hooks hooks = Hooks.none();
                for (int l = 0; l < layers; l++) {
                    float[] mask = new float[b * t * heads];
                    boolean any = false;
                    for (int r = 0; r < b; r++) {
                        int flat = start + r;
                        if (flat / heads != l) continue;
                        mask[(r * t + t - 1) * heads + flat % heads] = 1f;
                        any = true;
                    }
                    if (!any) continue;
                    float[] meanFlat = new float[heads * hd];
                    for (int h = 0; h < heads; h++) System.arraycopy(mean[l][h], 0, meanFlat, h * hd, hd);
                    NDArray maskArr = m.create(mask, new Shape(b, t, heads, 1));
                    NDArray meanArr = m.create(meanFlat, new Shape(1, 1, heads, hd));
                    hooks.replace(HookNames.attnZ(l), z -> z.add(meanArr.sub(z).mul(maskArr)));
                }
                NDArray out = model.run(m, rows, lengths, hooks).output();
                NDArray logits = model.logits(out.get(new NDIndex(":, {}, :", t - 1)));
                float[] all = logits.toFloatArray();
                int v = model.config().vocabSize();
                for (int r = 0; r < b; r++) {
                    float[] row = new float[v];
                    System.arraycopy(all, r * v, row, 0, v);
                    int flat = start + r;
                    effect[flat / heads][flat % heads] = IclTokens.softmax(row)[(int) p.target()] - clean;
                }
            }
        }
        return effect;
    }

    /**
     * The function vector: the sum over {@code top} heads of their mean last-token z times their slice of W_O
     * (rows h·d_head .. (h+1)·d_head of the [heads·d_head, d_model] output matrix), in residual space. The output
     * bias (GPT-2) is left out: it is no head's.
     */
    public static float[] functionVector(DecoderModel model, List<int[]> top, float[][][] mean) {
        int d = model.config().dModel(), hd = model.config().headDim();
        double[] fv = new double[d];
        List<float[]> outs = new ArrayList<>();
        for (int l = 0; l < model.config().layers(); l++) outs.add(null);
        for (int[] lh : top) {
            int l = lh[0], h = lh[1];
            if (outs.get(l) == null) outs.set(l, model.weights().layers().get(l).out().toFloatArray());
            float[] wo = outs.get(l);
            for (int k = 0; k < hd; k++) {
                float zk = mean[l][h][k];
                int row = (h * hd + k) * d;
                for (int j = 0; j < d; j++) fv[j] += zk * wo[row + j];
            }
        }
        float[] out = new float[d];
        for (int j = 0; j < d; j++) out[j] = (float) fv[j];
        return out;
    }
}
