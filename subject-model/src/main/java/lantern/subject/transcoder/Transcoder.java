package lantern.subject.transcoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import lantern.subject.HookNames;
import lantern.subject.sae.Sae;
import lantern.subject.sae.SaeArchitecture;
import lantern.subject.sae.SaeConfig;
import lantern.subject.sae.SaeWeights;

/**
 * A per-layer transcoder (SAELens' {@code Transcoder}): reads the MLP's input ({@code blocks.{l}.mlp.hook_in}) and
 * predicts its output ({@code blocks.{l}.hook_mlp_out}): {@code f = act(x W_enc + b_enc)}, {@code ŷ = f W_dec + b_dec}.
 * As in SAELens, {@code b_dec} is not subtracted from the input. The encoder and decoder are an {@link Sae} with
 * {@code apply_b_dec_to_input = false} (the same TopK, ReLU and JumpReLU code); d_out equals d_in here, since an MLP
 * reads and writes the residual width.
 *
 * <p>Weights are kept once more as flat arrays for the attribution math, which reads single encoder columns and
 * decoder rows.
 */
public final class Transcoder implements AutoCloseable {
    private final Sae sae;
    private final String hookOut;
    private final int layer;
    private final float[] wEnc;
    private final float[] bEnc;
    private final float[] wDec;
    private final float[] bDec;
    private final float[] threshold;

    private Transcoder(Sae sae, String hookOut) {
        this.sae = sae;
        this.hookOut = hookOut;
        this.layer = sae.config().layer();
        SaeWeights w = sae.weights();
        this.wEnc = w.wEnc();
        this.bEnc = w.bEnc();
        this.wDec = w.wDec();
        this.bDec = w.bDec();
        this.threshold = w.threshold();
        String expectedOut = HookNames.mlpOut(layer);
        if (!hookOut.equals(expectedOut)) {
            throw new IllegalArgumentException("transcoder of layer " + layer + " writes " + hookOut + "; only "
                    + expectedOut + " (the MLP's output) is supported");
        }
        if (!sae.config().hookName().equals(mlpIn(layer))) {
            throw new IllegalArgumentException("transcoder reads " + sae.config().hookName() + "; only " + mlpIn(layer)
                    + " (the MLP's input) is supported");
        }
    }

    /** TransformerLens 3's name for what the MLP's first matrices see (after ln2 and its gain). */
    public static String mlpIn(int layer) {
        return HookNames.mlpIn(layer);
    }

    /**
     * Builds a transcoder for layer {@code layer} of {@code model}.
     *
     * @param k active features per token for TopK, ignored otherwise
     */
    public static Transcoder of(String model, int layer, int dModel, int features, SaeArchitecture arch, int k,
                                SaeWeights w, NDManager parent) {
        SaeConfig cfg = new SaeConfig(model, mlpIn(layer), dModel, features, arch, k, false, "none");
        return new Transcoder(Sae.of(cfg, w, parent), HookNames.mlpOut(layer));
    }

    static Transcoder of(SaeConfig cfg, String hookOut, SaeWeights w, NDManager parent) {
        if (cfg.applyBDecToInput()) throw new IllegalArgumentException("a transcoder never subtracts b_dec from its input");
        return new Transcoder(Sae.of(cfg, w, parent), hookOut);
    }

    public SaeConfig config() {
        return sae.config();
    }

    public int layer() {
        return layer;
    }

    public int features() {
        return sae.config().dSae();
    }

    public int dIn() {
        return sae.config().dIn();
    }

    public String hookIn() {
        return sae.config().hookName();
    }

    public String hookOut() {
        return hookOut;
    }

    /** Feature activations {@code [..., d_sae]} of MLP inputs {@code [..., d_in]}. */
    public NDArray encode(NDArray mlpIn) {
        return sae.encode(mlpIn);
    }

    /** The predicted MLP output {@code [..., d_out]} of feature activations. */
    public NDArray decode(NDArray features) {
        return sae.decode(features);
    }

    /**
     * The features as an activation source for collection and search: cache {@link #hookIn()}, encode; ids
     * {@code {model}/{layer}/{kind}/{index}} with {@code kind} = {@link TranscoderFeatures#kind} of the set. Its
     * {@code sae()} is only the encoder side: its decoder writes {@link #hookOut()}, never the hook it reads.
     */
    public lantern.subject.sae.SaeFeatureSource featureSource(String kind) {
        return new lantern.subject.sae.SaeFeatureSource(sae, kind);
    }

    /** Which weights these are ({@link lantern.subject.sae.SaeFingerprint}; equal to {@link TranscoderFormat#fingerprint} of its folder). */
    public String fingerprint() {
        return sae.fingerprint();
    }

    /** decode(encode(x)): the transcoder's replacement of the MLP output. */
    public NDArray predict(NDArray mlpIn) {
        return decode(encode(mlpIn));
    }

    /** Encoder column of one feature ({@code W_enc[:, i]}, length d_in): what the feature reads. */
    public float[] encoderColumn(int feature) {
        sae.requireFeature(feature);
        int f = features();
        float[] col = new float[dIn()];
        for (int i = 0; i < col.length; i++) col[i] = wEnc[i * f + feature];
        return col;
    }

    /** Decoder row of one feature ({@code W_dec[i]}, length d_out): what the feature writes. */
    public float[] decoderRow(int feature) {
        sae.requireFeature(feature);
        int d = dIn();
        float[] row = new float[d];
        System.arraycopy(wDec, feature * d, row, 0, d);
        return row;
    }

    public float encoderBias(int feature) {
        return bEnc[feature];
    }

    public float[] decoderBias() {
        return bDec.clone();
    }

    /** The flat weights (shared, do not change them). */
    public SaeWeights weights() {
        return new SaeWeights(wEnc, bEnc, wDec, bDec, threshold);
    }

    @Override
    public void close() {
        sae.close();
    }
}
