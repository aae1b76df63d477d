package lantern.subject.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * A sparse autoencoder over one hook point: {@code f = act((x - b_dec) W_enc + b_enc)}, {@code x̂ = f W_dec + b_dec}.
 * Shapes follow SAELens: {@code W_enc [d_in, d_sae]}, {@code b_enc [d_sae]}, {@code W_dec [d_sae, d_in]},
 * {@code b_dec [d_in]}, and for JumpReLU (and BatchTopK/Matryoshka, JumpReLUs at inference) {@code threshold [d_sae]}. Inputs may have any leading shape
 * ({@code [tokens, d_in]} or {@code [batch, tokens, d_in]}).
 *
 * <p>The weights live on the SAE's own manager; {@link #close()} frees them. Arrays returned by encode/decode
 * belong to the input's manager.
 */
public final class Sae implements AutoCloseable {
    private final SaeConfig cfg;
    private final NDManager manager;
    private final NDArray wEnc;
    private final NDArray bEnc;
    private final NDArray wDec;
    private final NDArray bDec;
    private final NDArray threshold;
    private volatile String fingerprint;

    private Sae(SaeConfig cfg, NDManager manager, NDArray wEnc, NDArray bEnc, NDArray wDec, NDArray bDec, NDArray threshold) {
        this.cfg = cfg;
        this.manager = manager;
        this.wEnc = wEnc;
        this.bEnc = bEnc;
        this.wDec = wDec;
        this.bDec = bDec;
        this.threshold = threshold;
    }

    /** Builds an SAE from flat row-major weights; {@code threshold} is required for JumpReLU and ignored otherwise. */
    public static Sae of(SaeConfig cfg, SaeWeights w, NDManager parent) {
        int dIn = cfg.dIn();
        int dSae = cfg.dSae();
        check("W_enc", w.wEnc(), (long) dIn * dSae);
        check("b_enc", w.bEnc(), dSae);
        check("W_dec", w.wDec(), (long) dSae * dIn);
        check("b_dec", w.bDec(), dIn);
        if (cfg.architecture().hasThreshold()) {
            if (w.threshold() == null) throw new IllegalArgumentException("a " + cfg.architecture().cfgName() + " SAE needs a threshold tensor");
            check("threshold", w.threshold(), dSae);
        }
        NDManager m = parent.newSubManager();
        NDArray th = cfg.architecture().hasThreshold() ? m.create(w.threshold()) : null;
        return new Sae(cfg, m, m.create(w.wEnc(), new Shape(dIn, dSae)), m.create(w.bEnc()),
                m.create(w.wDec(), new Shape(dSae, dIn)), m.create(w.bDec()), th);
    }

    private static void check(String name, float[] a, long n) {
        if (a == null) throw new IllegalArgumentException("SAE weights lack " + name);
        if (a.length != n) throw new IllegalArgumentException(name + " has " + a.length + " values, expected " + n);
    }

    public SaeConfig config() {
        return cfg;
    }

    /** Feature activations [..., d_sae]. */
    public NDArray encode(NDArray x) {
        return activate(preActivations(normalizeIn(x)));
    }

    /** Encoder pre-activations [..., d_sae] of an already normalized input. */
    NDArray preActivations(NDArray x) {
        NDArray in = cfg.applyBDecToInput() ? x.sub(bDec) : x;
        return in.matMul(wEnc).add(bEnc);
    }

    NDArray activate(NDArray pre) {
        return switch (cfg.architecture()) {
            case STANDARD -> Activation.relu(pre);
            case JUMPRELU, BATCHTOPK, MATRYOSHKA -> Activation.relu(pre).mul(pre.gt(threshold).toType(DataType.FLOAT32, false));
            case TOPK -> topK(pre, cfg.k());
        };
    }

    /** The k largest pre-activations per token, ReLU'd, scattered back into place (SAELens's TopK). */
    public static NDArray topK(NDArray pre, int k) {
        NDList top = pre.topK(k, -1, true, false);
        NDArray values = Activation.relu(top.get(0));
        return pre.zerosLike().scatter(top.get(1), values, -1);
    }

    /** Reconstruction [..., d_in] from feature activations (in the normalized space, if the SAE normalizes). */
    public NDArray decode(NDArray features) {
        return features.matMul(wDec).add(bDec);
    }

    /** decode(encode(x)), undoing input normalization. */
    public NDArray reconstruct(NDArray x) {
        if (!normalizes()) return decode(encode(x));
        NDArray scale = normScale(x);
        return decode(activate(preActivations(x.mul(scale)))).div(scale);
    }

    boolean normalizes() {
        return cfg.normalizeActivations().equals("constant_norm_rescale");
    }

    private NDArray normalizeIn(NDArray x) {
        return normalizes() ? x.mul(normScale(x)) : x;
    }

    /** SAELens's constant_norm_rescale: every token scaled to norm sqrt(d_in). */
    NDArray normScale(NDArray x) {
        return x.norm(new int[]{-1}, true).maximum(1e-12f).pow(-1).mul((float) Math.sqrt(cfg.dIn()));
    }

    /** Decoder direction of one feature (row of W_dec), for steering along a feature. */
    public float[] decoderDirection(int feature) {
        requireFeature(feature);
        return wDec.get(feature).toFloatArray();
    }

    public void requireFeature(int feature) {
        if (feature < 0 || feature >= cfg.dSae()) {
            throw new IllegalArgumentException("feature " + feature + " out of range: this SAE has " + cfg.dSae() + " features");
        }
    }

    /** Which weights these are ({@link SaeFingerprint}); computed once, on first use. */
    public String fingerprint() {
        String f = fingerprint;
        if (f == null) fingerprint = f = SaeFingerprint.of(cfg, weights());
        return f;
    }

    /** A copy of the weights as flat arrays (for saving). */
    public SaeWeights weights() {
        return new SaeWeights(wEnc.toFloatArray(), bEnc.toFloatArray(), wDec.toFloatArray(), bDec.toFloatArray(),
                threshold == null ? null : threshold.toFloatArray());
    }

    NDArray wEnc() { return wEnc; }
    NDArray bEnc() { return bEnc; }
    NDArray wDec() { return wDec; }
    NDArray bDec() { return bDec; }

    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
