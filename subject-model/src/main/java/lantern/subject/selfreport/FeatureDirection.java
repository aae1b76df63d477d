package lantern.subject.selfreport;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import lantern.errors.InvalidInputException;
import lantern.subject.HookNames;
import lantern.subject.HookedModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.sae.Sae;
import lantern.subject.sae.SaeStore;
import lantern.subject.transcoder.FeatureDictionaries;
import lantern.subject.transcoder.TranscoderFeatures;
import lantern.subject.transcoder.TranscoderStore;

/**
 * The direction a decoder feature writes into the residual stream, and the {@code resid_post} hook whose states
 * carry it: an MLP neuron's row of the output (down) projection, read at {@code blocks.L.hook_resid_post}; an SAE
 * feature's decoder row, at its own hook when that is a residual hook ({@code resid_post} of L, or {@code resid_pre}
 * of L as {@code resid_post} of L−1), at {@code resid_post} of L for {@code mlp_out} / {@code attn_out} (they add into
 * the stream there), and through the output projection for an SAE on {@code mlp.hook_post}; a transcoder feature's
 * decoder row, which it writes into {@code hook_mlp_out} of its layer, at {@code resid_post} of that layer.
 *
 * @param hook   the residual hook a verbalizer of this feature reads
 * @param vector the direction, of the residual width
 */
public record FeatureDirection(String hook, float[] vector) {
    /**
     * @param kind {@code mlp} for a neuron, else the SAE kind as in feature ids ({@code sae-resid_post-k32})
     */
    public static FeatureDirection of(HookedModel model, SaeStore saes, int layer, String kind, int index) {
        return of(model, saes, null, layer, kind, index);
    }

    /**
     * As {@link #of(HookedModel, SaeStore, int, String, int)}, and a transcoder feature ({@code tc-NAME}): its decoder
     * row, which the transcoder writes into the MLP output of its layer, read at {@code resid_post} of that layer.
     */
    public static FeatureDirection of(HookedModel model, SaeStore saes, TranscoderStore transcoders, int layer,
                                      String kind, int index) {
        DecoderModel d = model.requireLanguageModel("output direction for the verbalizer explainer");
        d.requireLayer(layer);
        if ("mlp".equals(kind)) {
            if (index < 0 || index >= d.config().dMlp()) {
                throw new InvalidInputException("neuron " + index + " out of range: layers have neurons 0.."
                        + (d.config().dMlp() - 1));
            }
            return new FeatureDirection(HookNames.residPost(layer), outputRow(d, layer, index));
        }
        if (TranscoderFeatures.isKind(kind)) {
            if (transcoders == null) {
                throw new InvalidInputException("no transcoders to read feature kind '" + kind + "' from");
            }
            FeatureDictionaries.Direction w = new FeatureDictionaries(() -> saes, () -> transcoders)
                    .writes(model.info().id(), layer, kind, index);
            return atResidual(d, w.hook(), w.vector());
        }
        if (saes == null) throw new InvalidInputException("no SAEs to read feature kind '" + kind + "' from");
        Sae sae = saes.get(model.info().id(), layer, kind);
        return atResidual(d, sae.config().hookName(), sae.decoderDirection(index));
    }

    /** A row written at {@code hook}, as the residual stream carries it, with the residual hook that reads it. */
    private static FeatureDirection atResidual(DecoderModel d, String hook, float[] row) {
        int l = HookNames.layerOf(hook);
        if (hook.endsWith(".hook_resid_post")) return new FeatureDirection(hook, row);
        if (hook.endsWith(".hook_mlp_out") || hook.endsWith(".hook_attn_out")) {
            return new FeatureDirection(HookNames.residPost(l), row);
        }
        if (hook.endsWith(".hook_resid_pre") && l > 0) return new FeatureDirection(HookNames.residPost(l - 1), row);
        if (hook.endsWith(".mlp.hook_post")) {
            try (NDManager m = d.manager().newSubManager()) {
                NDArray out = d.weights().layers().get(l).mlpOut().toType(DataType.FLOAT32, false);
                return new FeatureDirection(HookNames.residPost(l),
                        m.create(row).reshape(1, -1).matMul(out).toFloatArray());
            }
        }
        throw new InvalidInputException("no residual-stream direction for a feature at " + hook);
    }

    /** Row {@code neuron} of layer {@code layer}'s output projection ({@code [d_mlp, d_model]}). */
    static float[] outputRow(DecoderModel d, int layer, int neuron) {
        return d.weights().layers().get(layer).mlpOut().get(neuron).toType(DataType.FLOAT32, false).toFloatArray();
    }
}
