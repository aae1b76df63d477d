package lantern.subject.sae;

import ai.djl.ndarray.NDArray;

/**
 * Lets collection treat an SAE's features like neurons: cache {@link #hook()} in a forward pass, then
 * {@link #features} turns that activation [B,T,d_in] into feature activations [B,T,d_sae] (same batch and token
 * layout, so padding and windows are handled exactly as for {@code mlp.hook_post}). Feature ids are
 * {@code {model}/{layer()}/{kind()}/{index}}.
 */
public final class SaeFeatureSource {
    private final Sae sae;
    private final String kind;

    public SaeFeatureSource(Sae sae) {
        this(sae, sae.config().kind());
    }

    /**
     * An encoder under another kind than its config's (a transcoder's features are {@code tc-{set}}: the same
     * encoder code, read at {@code mlp.hook_in}).
     */
    public SaeFeatureSource(Sae sae, String kind) {
        this.sae = sae;
        this.kind = kind;
    }

    /** The hook to cache (the SAE's input). */
    public String hook() {
        return sae.config().hookName();
    }

    public String model() {
        return sae.config().model();
    }

    public int layer() {
        return sae.config().layer();
    }

    /** The feature kind in ids, e.g. {@code sae-resid_post-k32}. */
    public String kind() {
        return kind;
    }

    /** Number of features (d_sae): the "neurons per layer" of this source. */
    public int width() {
        return sae.config().dSae();
    }

    /** Feature activations [..., d_sae] of the hook's activation [..., d_in], on the input's manager. */
    public NDArray features(NDArray hookActivation) {
        return sae.encode(hookActivation);
    }

    public Sae sae() {
        return sae;
    }
}
