package lantern.subject.sae;

/**
 * An SAE's weights as flat row-major arrays in SAELens's layout: {@code W_enc [d_in, d_sae]}, {@code b_enc [d_sae]},
 * {@code W_dec [d_sae, d_in]}, {@code b_dec [d_in]}, {@code threshold [d_sae]} (JumpReLU only, else null).
 */
public record SaeWeights(float[] wEnc, float[] bEnc, float[] wDec, float[] bDec, float[] threshold) {
}
