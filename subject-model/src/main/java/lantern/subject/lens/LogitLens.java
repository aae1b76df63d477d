package lantern.subject.lens;

import lantern.api.lens.LensResult;
import lantern.api.lens.TokenProb;

import lantern.errors.InvalidInputException;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import lantern.subject.HookNames;
import lantern.subject.HookPass;
import lantern.subject.Hooks;
import lantern.subject.SubjectModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.Generator;
import lantern.subject.decoder.Positions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The logit lens (nostalgebraist, 2020): read every layer's residual stream through the model's own final norm and
 * unembedding, as if the network stopped there. At the last layer this is exactly the model's prediction.
 */
public final class LogitLens {
    public static final int MAX_K = 100;

    private LogitLens() {
    }

    public static LensResult run(SubjectModel subject, String prompt, int position, int k) {
        DecoderModel model = Decoders.require(subject, "logit lens");
        if (k < 1 || k > MAX_K) throw new InvalidInputException("k must be 1.." + MAX_K + ", got " + k);
        long[] ids = Generator.promptIds(model, prompt);
        int pos = Positions.resolve(position, ids.length, "token");
        float[][] probs = layerProbabilities(model, ids, pos);
        List<LensResult.Layer> layers = new ArrayList<>();
        for (int l = 0; l < probs.length; l++) layers.add(new LensResult.Layer(l, top(model, probs[l], k)));
        return new LensResult(model.info().id(), tokenStrings(model, ids), pos, layers);
    }

    /** softmax(W_U · LN_final(resid_post_l)) at one position, for every layer l: [layers][vocab]. */
    public static float[][] layerProbabilities(DecoderModel model, long[] ids, int pos) {
        int layers = model.config().layers();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Hooks hooks = Hooks.none();
            for (int l = 0; l < layers; l++) hooks.cache(HookNames.residPost(l));
            HookPass pass = hooks.start();
            model.forward(m, new long[][]{ids}, null, pass);
            NDList rows = new NDList();
            for (int l = 0; l < layers; l++) {
                rows.add(pass.get(HookNames.residPost(l)).get(new NDIndex("0, {}", pos)));
            }
            NDArray resid = NDArrays.stack(rows, 0); // [layers, d]
            NDArray p = model.logits(model.finalNorm(resid)).softmax(-1);
            int v = model.config().vocabSize();
            float[] flat = p.toFloatArray();
            float[][] out = new float[layers][];
            for (int l = 0; l < layers; l++) out[l] = Arrays.copyOfRange(flat, l * v, (l + 1) * v);
            return out;
        }
    }

    static List<TokenProb> top(DecoderModel model, float[] probs, int k) {
        int[] best = topIndices(probs, k);
        List<TokenProb> out = new ArrayList<>();
        for (int i : best) out.add(new TokenProb(model.tokenizer().displayToken(i), i, probs[i]));
        return out;
    }

    static int[] topIndices(float[] values, int k) {
        k = Math.min(k, values.length);
        int[] best = new int[k];
        Arrays.fill(best, -1);
        for (int i = 0; i < values.length; i++) {
            int at = k;
            while (at > 0 && (best[at - 1] < 0 || values[i] > values[best[at - 1]])) at--;
            if (at < k) {
                System.arraycopy(best, at, best, at + 1, k - at - 1);
                best[at] = i;
            }
        }
        return best;
    }

    static float[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double sum = 0;
        double[] e = new double[logits.length];
        for (int i = 0; i < e.length; i++) sum += e[i] = Math.exp(logits[i] - max);
        float[] p = new float[logits.length];
        for (int i = 0; i < p.length; i++) p[i] = (float) (e[i] / sum);
        return p;
    }

    static List<String> tokenStrings(DecoderModel model, long[] ids) {
        List<String> out = new ArrayList<>();
        for (long id : ids) out.add(model.tokenizer().token(id));
        return out;
    }
}
