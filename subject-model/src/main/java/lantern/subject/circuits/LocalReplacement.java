package lantern.subject.circuits;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.decoder.DecoderConfig;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.LayerWeights;
import lantern.subject.transcoder.Transcoder;
import lantern.subject.transcoder.TranscoderSet;

import java.util.ArrayList;
import java.util.List;

/**
 * The local replacement model of one prompt (circuit-tracer's {@code setup_attribution}): one real forward pass
 * caches every layer's residual before attention ({@code resid_pre}), attention pattern, residual before the MLP
 * ({@code resid_mid}), MLP output and the final residual; from them come the frozen normalisation denominators σ
 * (RMSNorm: √(mean x² + ε); LayerNorm: √(var x + ε)), the MLP inputs (ln2 with its gain and bias), each
 * transcoder's feature activations, and the error vectors (true MLP output − reconstruction). Position 0 (BOS)
 * carries no feature or error node: its MLP output stays a constant, as in circuit-tracer ({@code zero_bos}).
 *
 * <p>With patterns and σ frozen, everything between the nodes is linear, so {@link Attribution} can read direct
 * effects off one backward sweep per batch of targets. Arrays live on the manager given to {@link #build}.
 */
public final class LocalReplacement {
    final DecoderModel model;
    final DecoderConfig cfg;
    final TranscoderSet transcoders;
    final long[] ids;
    final int layers;
    final int t;
    final int d;
    final NDArray[] pattern;    // [1, H, T, T]
    final NDArray[] sigma1;     // [T, 1]
    final NDArray[] sigma2;     // [T, 1]
    final NDArray sigmaFinal;   // [T, 1]
    final NDArray[] mlpIn;      // [T, d]
    final NDArray[] mlpOut;     // [T, d]
    final float[][] errors;     // [layer][T * d], zero at position 0
    final List<ActiveFeature> features;
    final float[] lastLogits;   // real logits at the last position
    /** First position that carries nodes (1 when the sequence starts with the model's BOS). */
    final int firstNodePos;

    /** One active transcoder feature: layer, position, index and activation (circuit-tracer's active_features). */
    public record ActiveFeature(int layer, int pos, int index, float activation) {
    }

    private LocalReplacement(DecoderModel model, TranscoderSet transcoders, long[] ids, int firstNodePos,
                             NDArray[] pattern, NDArray[] sigma1, NDArray[] sigma2, NDArray sigmaFinal,
                             NDArray[] mlpIn, NDArray[] mlpOut, float[][] errors, List<ActiveFeature> features,
                             float[] lastLogits) {
        this.model = model;
        this.cfg = model.config();
        this.transcoders = transcoders;
        this.ids = ids;
        this.layers = cfg.layers();
        this.t = ids.length;
        this.d = cfg.dModel();
        this.firstNodePos = firstNodePos;
        this.pattern = pattern;
        this.sigma1 = sigma1;
        this.sigma2 = sigma2;
        this.sigmaFinal = sigmaFinal;
        this.mlpIn = mlpIn;
        this.mlpOut = mlpOut;
        this.errors = errors;
        this.features = features;
        this.lastLogits = lastLogits;
    }

    /**
     * Runs the model once on {@code ids} and sets up the replacement model.
     *
     * @param ids the full sequence (BOS first where the model has one)
     */
    public static LocalReplacement build(DecoderModel model, TranscoderSet transcoders, long[] ids, NDManager m) {
        DecoderConfig c = model.config();
        if (!transcoders.model().equals(model.info().id())) {
            throw new lantern.errors.InvalidInputException("transcoders '" + transcoders.name() + "' were trained for model "
                    + transcoders.model() + ", not " + model.info().id());
        }
        int layers = c.layers();
        for (int l : transcoders.layers()) {
            if (l >= layers) throw new lantern.errors.InvalidInputException("transcoder for layer " + l + " but model "
                    + model.info().id() + " has " + layers + " layers");
            if (transcoders.layer(l).dIn() != c.dModel()) {
                throw new lantern.errors.InvalidInputException("transcoder of layer " + l + " reads width "
                        + transcoders.layer(l).dIn() + ", the model's residual is " + c.dModel());
            }
        }
        List<String> names = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            names.add(HookNames.residPre(l));
            names.add(HookNames.attnPattern(l));
            names.add(HookNames.residMid(l));
            names.add(HookNames.mlpOut(l));
        }
        names.add(HookNames.residPost(layers - 1));
        var run = model.run(m, new long[][]{ids}, new int[]{ids.length}, Hooks.none().cache(names));
        int t = ids.length;
        long bos = model.bosId();
        int first = bos >= 0 && ids[0] == bos ? 1 : 0;
        NDArray[] pattern = new NDArray[layers];
        NDArray[] s1 = new NDArray[layers];
        NDArray[] s2 = new NDArray[layers];
        NDArray[] in = new NDArray[layers];
        NDArray[] out = new NDArray[layers];
        float[][] errors = new float[layers][];
        List<ActiveFeature> feats = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            LayerWeights w = model.weights().layers().get(l);
            pattern[l] = run.cache().get(HookNames.attnPattern(l));
            NDArray pre = run.cache().get(HookNames.residPre(l)).get(0);
            NDArray mid = run.cache().get(HookNames.residMid(l)).get(0);
            s1[l] = sigma(c, pre);
            s2[l] = sigma(c, mid);
            in[l] = normalize(c, mid, s2[l], w.norm2(), w.norm2Bias());
            out[l] = run.cache().get(HookNames.mlpOut(l)).get(0);
            Transcoder tc = transcoders.layer(l);
            float[] err = out[l].toFloatArray();
            if (tc != null) {
                NDArray acts = tc.encode(in[l]);
                float[] a = acts.toFloatArray();
                float[] recon = tc.decode(acts).toFloatArray();
                int f = tc.features();
                for (int p = first; p < t; p++) {
                    for (int i = 0; i < f; i++) {
                        float v = a[p * f + i];
                        if (v != 0f) feats.add(new ActiveFeature(l, p, i, v));
                    }
                }
                for (int j = 0; j < err.length; j++) err[j] -= recon[j];
            }
            for (int p = 0; p < first; p++) java.util.Arrays.fill(err, p * c.dModel(), (p + 1) * c.dModel(), 0f);
            errors[l] = err;
        }
        NDArray last = run.cache().get(HookNames.residPost(layers - 1)).get(0);
        NDArray sf = sigma(c, last);
        float[] logits = model.logits(run.output().get(new NDIndex("0, {}", t - 1))).toFloatArray();
        return new LocalReplacement(model, transcoders, ids.clone(), first, pattern, s1, s2, sf, in, out, errors,
                feats, logits);
    }

    /** The frozen denominator per position, {@code [T, 1]}. */
    static NDArray sigma(DecoderConfig c, NDArray x) {
        NDArray centered = c.isGpt2() ? x.sub(x.mean(new int[]{-1}, true)) : x;
        return centered.square().mean(new int[]{-1}, true).add(c.normEps()).sqrt();
    }

    /** The norm with a given σ: ((x − μ) / σ) g + b for LayerNorm, x / σ · g for RMSNorm. */
    static NDArray normalize(DecoderConfig c, NDArray x, NDArray sigma, NDArray gain, NDArray bias) {
        NDArray centered = c.isGpt2() ? x.sub(x.mean(new int[]{-1}, true)) : x;
        NDArray y = centered.div(sigma).mul(gain);
        return bias == null ? y : y.add(bias);
    }

    private final java.util.Map<String, float[]> flat = new java.util.concurrent.ConcurrentHashMap<>();

    /** The MLP inputs of a layer as a flat {@code [T * d]} array (read once). */
    float[] mlpInValues(int layer) {
        return flat.computeIfAbsent("in" + layer, k -> mlpIn[layer].toFloatArray());
    }

    float[] sigma2Values(int layer) {
        return flat.computeIfAbsent("s2" + layer, k -> sigma2[layer].toFloatArray());
    }

    float[] norm2Gain(int layer) {
        return flat.computeIfAbsent("g2" + layer, k -> model.weights().layers().get(layer).norm2().toFloatArray());
    }

    public long[] ids() {
        return ids.clone();
    }

    public List<ActiveFeature> activeFeatures() {
        return features;
    }

    public int firstNodePos() {
        return firstNodePos;
    }

    public float[] lastLogits() {
        return lastLogits.clone();
    }

    /** The error vector of one layer and position (true MLP output minus the transcoder's). */
    public float[] error(int layer, int pos) {
        return java.util.Arrays.copyOfRange(errors[layer], pos * d, (pos + 1) * d);
    }
}
