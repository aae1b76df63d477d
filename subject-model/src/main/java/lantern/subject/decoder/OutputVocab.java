package lantern.subject.decoder;

import lantern.api.vocab.TokenLogit;
import lantern.api.vocab.VocabEffect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.ArrayList;
import java.util.List;

/**
 * The output side of a decoder feature (Geva et al. 2022, "FFN sub-updates"; Neuronpedia's top positive / negative
 * logits): the direction the feature writes into the residual stream, scaled by the final norm's weight and read
 * through the unembedding W_U. For an MLP neuron the direction is its row of the down / output projection; for an
 * SAE feature its decoder row (an SAE on {@code mlp.hook_post} writes that row through the output projection).
 */
public final class OutputVocab {
    private OutputVocab() {
    }

    /** Neuron {@code neuron} of layer {@code layer} ({@code blocks.L.mlp.hook_post}). */
    public static VocabEffect ofNeuron(DecoderModel model, int layer, int neuron, int k) {
        model.requireLayer(layer);
        if (neuron < 0 || neuron >= model.config().dMlp()) {
            throw new IllegalArgumentException("neuron " + neuron + " out of range: layers have neurons 0.."
                    + (model.config().dMlp() - 1));
        }
        try (NDManager m = model.manager().newSubManager()) {
            NDArray row = model.weights().layers().get(layer).mlpOut().get(neuron);
            return ofResidual(model, m, row.toType(DataType.FLOAT32, false).toFloatArray(), k);
        }
    }

    /** A direction written at {@code hook}: residual-width hooks directly, {@code mlp.hook_post} through W_out. */
    public static VocabEffect ofDirection(DecoderModel model, String hook, float[] direction, int k) {
        try (NDManager m = model.manager().newSubManager()) {
            float[] resid = direction;
            if (hook.endsWith(".mlp.hook_post")) {
                int layer = model.requireLayer(lantern.subject.HookNames.layerOf(hook));
                NDArray out = model.weights().layers().get(layer).mlpOut();
                resid = m.create(direction).reshape(1, -1).matMul(out).toFloatArray();
            } else if (hook.endsWith(".mlp.hook_pre") || hook.endsWith(".attn.hook_pattern")) {
                throw new IllegalArgumentException("no output direction for a feature at " + hook);
            }
            return ofResidual(model, m, resid, k);
        }
    }

    private static VocabEffect ofResidual(DecoderModel model, NDManager m, float[] direction, int k) {
        if (direction.length != model.config().dModel()) {
            throw new IllegalArgumentException("direction has " + direction.length + " dimensions; the residual has "
                    + model.config().dModel());
        }
        NDArray scaled = m.create(direction).mul(model.weights().normFinal());
        float[] logits = scaled.reshape(1, -1).matMul(model.weights().unembed()).toFloatArray();
        int kk = Math.min(k, logits.length);
        return new VocabEffect(top(model, logits, kk, true), top(model, logits, kk, false));
    }

    private static List<TokenLogit> top(DecoderModel model, float[] logits, int k, boolean highest) {
        // partial selection: keep the k best in a small sorted list
        List<Integer> best = new ArrayList<>(k + 1);
        for (int i = 0; i < logits.length; i++) {
            float v = highest ? logits[i] : -logits[i];
            if (best.size() < k || v > (highest ? logits[best.get(best.size() - 1)] : -logits[best.get(best.size() - 1)])) {
                int at = best.size();
                while (at > 0 && v > (highest ? logits[best.get(at - 1)] : -logits[best.get(at - 1)])) at--;
                best.add(at, i);
                if (best.size() > k) best.remove(best.size() - 1);
            }
        }
        List<TokenLogit> out = new ArrayList<>(best.size());
        for (int i : best) out.add(new TokenLogit(model.tokenizer().displayToken(i), logits[i]));
        return out;
    }
}
