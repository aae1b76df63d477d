package lantern.eval.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import lantern.subject.sae.Sae;

/**
 * How well an SAE recovered known features (SAELens's {@code eval_sae_on_synthetic_data} and SynthSAEBench's metrics).
 *
 * <ul>
 *   <li>MCC: the Hungarian one-to-one matching between SAE decoder rows and ground-truth directions that maximises
 *       the summed |cosine|, and the mean |cosine| of the matched pairs (min(d_sae, N) of them), as SAELens computes
 *       it. {@code meanMaxCosine} is the looser mean over latents of each latent's best |cosine| (MMCS).</li>
 *   <li>Classification: each live latent is a binary classifier for its best-matching ground-truth feature (highest
 *       |cosine| of decoder row and direction): precision = of the samples where it fires, the fraction with that
 *       feature active; recall = of the samples with the feature active, the fraction where it fires; F1 theirs.
 *       Means over live latents.</li>
 *   <li>Uniqueness: distinct best-matching features / live latents. Dead latents: never fired on the samples.</li>
 * </ul>
 */
public record FeatureRecovery(int latents, int truthFeatures, double mcc, double meanMaxCosine, int matchedAbove09,
                              double precision, double recall, double f1, double uniqueness, int deadLatents,
                              double l0, double trueL0, double explainedVariance, double shrinkage) {

    /** Measures {@code sae} against the generator's directions on {@code sample}. */
    public static FeatureRecovery measure(Sae sae, float[][] truth, SyntheticFeatures.Sample sample, NDManager manager) {
        int f = sae.config().dSae(), d = sample.dim();
        float[][] dec = new float[f][];
        for (int j = 0; j < f; j++) dec[j] = sae.decoderDirection(j);
        double[][] cos = absCosines(dec, truth);
        double mcc = mcc(cos);
        int[] best = new int[f];
        double mmcs = 0;
        for (int j = 0; j < f; j++) {
            int b = 0;
            for (int i = 1; i < truth.length; i++) if (cos[j][i] > cos[j][b]) b = i;
            best[j] = b;
            mmcs += cos[j][b];
        }
        int matched = 0;
        for (double c : matchedCosines(cos)) if (c >= 0.9) matched++;

        long[] fires = new long[f], truePositive = new long[f];
        long[] featureActive = new long[truth.length];
        long activeLatents = 0, trueActive = 0;
        double errSq = 0, total = 0, shrink = 0;
        double[] mean = new double[d];
        for (int s = 0; s < sample.n(); s++) for (int k = 0; k < d; k++) mean[k] += sample.x()[s * d + k];
        for (int k = 0; k < d; k++) mean[k] /= sample.n();
        int batch = 4096;
        for (int from = 0; from < sample.n(); from += batch) {
            int to = Math.min(sample.n(), from + batch);
            float[] part = java.util.Arrays.copyOfRange(sample.x(), from * d, to * d);
            float[] acts, recon;
            try (NDManager m = manager.newSubManager()) {
                NDArray x = m.create(part, new Shape(to - from, d));
                NDArray a = sae.encode(x);
                acts = a.toFloatArray();
                recon = sae.decode(a).toFloatArray();
            }
            for (int s = from; s < to; s++) {
                int r = s - from;
                java.util.BitSet on = new java.util.BitSet(truth.length);
                for (int i : sample.active()[s]) {
                    on.set(i);
                    featureActive[i]++;
                }
                trueActive += sample.active()[s].length;
                for (int j = 0; j < f; j++) {
                    if (acts[r * f + j] > 0) {
                        fires[j]++;
                        activeLatents++;
                        if (on.get(best[j])) truePositive[j]++;
                    }
                }
                double nx = 0, nr = 0;
                for (int k = 0; k < d; k++) {
                    double xv = sample.x()[s * d + k], rv = recon[r * d + k];
                    errSq += (xv - rv) * (xv - rv);
                    total += (xv - mean[k]) * (xv - mean[k]);
                    nx += xv * xv;
                    nr += rv * rv;
                }
                shrink += nx > 0 ? Math.sqrt(nr / nx) : 1;
            }
        }
        int dead = 0, live = 0;
        double p = 0, rc = 0, f1 = 0;
        java.util.Set<Integer> distinct = new java.util.HashSet<>();
        for (int j = 0; j < f; j++) {
            if (fires[j] == 0) {
                dead++;
                continue;
            }
            live++;
            distinct.add(best[j]);
            double pj = truePositive[j] / (double) fires[j];
            double rj = featureActive[best[j]] == 0 ? 0 : truePositive[j] / (double) featureActive[best[j]];
            p += pj;
            rc += rj;
            f1 += pj + rj == 0 ? 0 : 2 * pj * rj / (pj + rj);
        }
        int n = sample.n();
        return new FeatureRecovery(f, truth.length, mcc, mmcs / f, matched, live == 0 ? 0 : p / live,
                live == 0 ? 0 : rc / live, live == 0 ? 0 : f1 / live, live == 0 ? 0 : distinct.size() / (double) live,
                dead, activeLatents / (double) n, trueActive / (double) n, 1 - errSq / total, shrink / n);
    }

    /** |cosine| between every row of {@code a} and every row of {@code b}: [a.length][b.length]. */
    public static double[][] absCosines(float[][] a, float[][] b) {
        double[] nb = new double[b.length];
        for (int i = 0; i < b.length; i++) nb[i] = Math.sqrt(Math.max(SyntheticFeatures.dot(b[i], b[i]), 1e-30));
        double[][] out = new double[a.length][b.length];
        for (int j = 0; j < a.length; j++) {
            double na = Math.sqrt(Math.max(SyntheticFeatures.dot(a[j], a[j]), 1e-30));
            for (int i = 0; i < b.length; i++) out[j][i] = Math.abs(SyntheticFeatures.dot(a[j], b[i])) / (na * nb[i]);
        }
        return out;
    }

    /** SAELens's MCC: mean |cosine| over the Hungarian matching of a |cosine| matrix (either orientation). */
    public static double mcc(double[][] absCos) {
        double[] m = matchedCosines(absCos);
        double s = 0;
        for (double c : m) s += c;
        return m.length == 0 ? 0 : s / m.length;
    }

    static double[] matchedCosines(double[][] absCos) {
        int r = absCos.length, c = r == 0 ? 0 : absCos[0].length;
        boolean transpose = r > c;
        int rows = transpose ? c : r, cols = transpose ? r : c;
        double[][] cost = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) cost[i][j] = 1 - (transpose ? absCos[j][i] : absCos[i][j]);
        }
        int[] assign = Hungarian.solve(cost);
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) out[i] = 1 - cost[i][assign[i]];
        return out;
    }
}
