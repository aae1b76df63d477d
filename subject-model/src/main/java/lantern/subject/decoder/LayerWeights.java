package lantern.subject.decoder;

import ai.djl.ndarray.NDArray;

/**
 * One block's weights, laid out for {@code x.matMul(w)} ([in, out]). Biases and LayerNorm shifts are null where
 * the family has none. For SwiGLU, {@code mlpIn} holds gate and up side by side ([d, 2 * dMlp]); {@code qkv} always
 * holds q, k and v side by side so attention starts with one matrix product.
 */
public record LayerWeights(NDArray norm1, NDArray norm1Bias, NDArray qkv, NDArray qkvBias, NDArray out,
                           NDArray outBias, NDArray norm2, NDArray norm2Bias, NDArray mlpIn, NDArray mlpInBias,
                           NDArray mlpOut, NDArray mlpOutBias) {
}
