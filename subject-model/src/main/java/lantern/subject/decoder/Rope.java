package lantern.subject.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings as Hugging Face Llama applies them: the two halves of each head are rotated against
 * each other ({@code rotate_half}). llama2.c rotates adjacent pairs instead; its loader permutes the q/k weight
 * rows once so that the same code serves both (the permutation HF's conversion script applies).
 */
final class Rope {
    private Rope() {
    }

    static double[] inverseFrequencies(DecoderConfig c) {
        int half = c.headDim() / 2;
        double[] inv = new double[half];
        for (int i = 0; i < half; i++) inv[i] = 1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / c.headDim());
        DecoderConfig.RopeScaling s = c.ropeScaling();
        if (s == null) return inv;
        if (s.type().equals("linear")) {
            for (int i = 0; i < half; i++) inv[i] /= s.factor();
            return inv;
        }
        // Llama 3.1: long wavelengths slowed by `factor`, short ones kept, a smooth blend between.
        double lowWavelen = s.originalContext() / s.lowFreqFactor();
        double highWavelen = s.originalContext() / s.highFreqFactor();
        for (int i = 0; i < half; i++) {
            double wavelen = 2 * Math.PI / inv[i];
            if (wavelen > lowWavelen) {
                inv[i] = inv[i] / s.factor();
            } else if (wavelen >= highWavelen) {
                double smooth = (s.originalContext() / wavelen - s.lowFreqFactor())
                        / (s.highFreqFactor() - s.lowFreqFactor());
                inv[i] = (1 - smooth) * inv[i] / s.factor() + smooth * inv[i];
            }
        }
        return inv;
    }

    /** cos and sin tables {@code [t, headDim]} for positions p0 .. p0 + t - 1 (each half repeats the angles). */
    static NDArray[] cosSin(NDManager m, double[] invFreq, int headDim, int p0, int t) {
        int half = headDim / 2;
        float[] cos = new float[t * headDim];
        float[] sin = new float[t * headDim];
        for (int p = 0; p < t; p++) {
            for (int i = 0; i < half; i++) {
                // fp32 angle, as HF computes it, so long positions round the same way
                float angle = (float) (p0 + p) * (float) invFreq[i];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[p * headDim + i] = c;
                cos[p * headDim + i + half] = c;
                sin[p * headDim + i] = s;
                sin[p * headDim + i + half] = s;
            }
        }
        return new NDArray[]{m.create(cos, new Shape(t, headDim)), m.create(sin, new Shape(t, headDim))};
    }

    /** x: [batch, heads, t, headDim]. */
    static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        long half = x.getShape().get(3) / 2;
        NDArray x1 = x.get("..., 0:{}", half);
        NDArray x2 = x.get("..., {}:", half);
        NDArray rotated = x2.neg().concat(x1, -1);
        return x.mul(cos).add(rotated.mul(sin));
    }
}
