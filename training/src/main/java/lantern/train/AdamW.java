package lantern.train;

import java.util.List;

/**
 * AdamW (decoupled weight decay) with global-norm gradient clipping, on the Java master copy of the weights. Written
 * out here rather than taken from DJL because DJL's optimizers update engine arrays in place inside its Trainer,
 * while we keep the master weights (and the moments a checkpoint stores) as plain arrays: exact to save, exact to
 * resume, the same float operations in the same order on every run.
 */
public final class AdamW {
    private final float[][] m;
    private final float[][] v;
    private final double beta1;
    private final double beta2;
    private final double eps = 1e-8;

    public AdamW(List<ModelParameters.Tensor> params, double beta1, double beta2) {
        this.m = new float[params.size()][];
        this.v = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            m[i] = new float[params.get(i).values().length];
            v[i] = new float[params.get(i).values().length];
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
    }

    public float[][] firstMoments() {
        return m;
    }

    public float[][] secondMoments() {
        return v;
    }

    /** The global L2 norm of all gradients. */
    public static double norm(float[][] grads) {
        double s = 0;
        for (float[] g : grads) {
            for (float x : g) s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    /**
     * One update; {@code step} counts from 0. Gradients are scaled down to {@code clipNorm} when their global norm
     * exceeds it; a gradient that is not finite is
     * skipped (no update, moments kept). Returns the norm before clipping.
     */
    public double step(List<ModelParameters.Tensor> params, float[][] grads, long step, double lr, double weightDecay,
                       double clipNorm) {
        double norm = norm(grads);
        if (!Double.isFinite(norm)) return norm; // a non-finite gradient is skipped, not applied
        float scale = clipNorm > 0 && norm > clipNorm ? (float) (clipNorm / norm) : 1f;
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float c1 = (float) (1 - Math.pow(beta1, step + 1));
        float c2 = (float) (1 - Math.pow(beta2, step + 1));
        float lrf = (float) lr;
        for (int i = 0; i < params.size(); i++) {
            ModelParameters.Tensor t = params.get(i);
            float[] p = t.values();
            float[] g = grads[i];
            float[] mi = m[i];
            float[] vi = v[i];
            float decay = t.decay() ? (float) (1 - lr * weightDecay) : 1f;
            for (int j = 0; j < p.length; j++) {
                float gj = g[j] * scale;
                mi[j] = b1 * mi[j] + (1 - b1) * gj;
                vi[j] = b2 * vi[j] + (1 - b2) * gj * gj;
                float mh = mi[j] / c1;
                float vh = vi[j] / c2;
                p[j] = p[j] * decay - lrf * mh / ((float) Math.sqrt(vh) + (float) eps);
            }
        }
        return norm;
    }
}
