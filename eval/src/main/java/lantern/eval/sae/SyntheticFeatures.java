package lantern.eval.sae;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Synthetic activations with known features, built as SAELens's SynthSAEBench builds its synthetic model
 * ({@code sae_lens.synthetic}): N ground-truth unit directions in a D-dimensional space (N &gt; D: superposition),
 * nudged apart by a few orthogonalisation steps; Zipfian firing probabilities; features that fire together through a
 * low-rank Gaussian copula; a forest of hierarchies in which a child fires only when its parent does, siblings are
 * mutually exclusive and a child's magnitude scales with its parent's; magnitudes with a mean that falls linearly
 * from frequent to rare features and a per-feature spread drawn from a folded normal; and a constant bias vector.
 * An activation is {@code x = Σ_i a_i d_i + bias}.
 *
 * <p>What is ours: the orthogonalisation is plain gradient steps on Σ_{i≠j} (d_i·d_j)², not Adam; hierarchy nodes take
 * the most frequent feature indices in breadth-first order (roots first), so parents fire more often than their
 * children; a child's firing probability is divided by its parent's (SAELens's compensate_probabilities) so its
 * marginal stays near its Zipf target until mutual exclusion removes some; of several active siblings one, drawn
 * uniformly, is kept.
 */
public final class SyntheticFeatures {
    /**
     * @param features           N ground-truth features
     * @param hiddenDim          D, the activation width
     * @param zipfExponent       firing probability ∝ (i+1)^−exponent, rescaled to [minProb, maxProb]
     * @param rootNodes          hierarchy trees (0: none)
     * @param branching          children per node
     * @param depth              levels per tree (1: roots only)
     * @param correlationRank    rank of the copula's correlation (0: independent firing)
     * @param correlationScale   each feature's shared variance in the copula (its loading's squared norm)
     * @param magnitudeStart     mean magnitude of the most frequent feature (falls linearly to magnitudeEnd)
     * @param stdMean            folded normal of per-feature magnitude spreads: |N(stdMean, stdStd)|
     * @param orthogonalizeSteps gradient steps pushing directions apart
     * @param bias               norm of the constant bias vector
     */
    public record Config(int features, int hiddenDim, double zipfExponent, double maxProb, double minProb,
                         int rootNodes, int branching, int depth, int correlationRank, double correlationScale,
                         double magnitudeStart, double magnitudeEnd, double stdMean, double stdStd,
                         int orthogonalizeSteps, double bias, long seed) {
        public Config {
            if (features < 1 || hiddenDim < 1) throw new IllegalArgumentException("features and hidden dim must be positive");
            if (!(minProb > 0 && minProb <= maxProb && maxProb <= 1)) throw new IllegalArgumentException("need 0 < minProb <= maxProb <= 1");
            if (rootNodes < 0 || branching < 0 || depth < 0) throw new IllegalArgumentException("hierarchy sizes must be >= 0");
            if (correlationRank < 0 || correlationScale < 0 || correlationScale >= 1) throw new IllegalArgumentException("correlation scale must be in [0, 1)");
        }

        /**
         * SynthSAEBench-16k's settings (Zipf 0.5 from 0.4 to 5e-4, trees of branching 4 and depth 3, rank-25 copula at
         * 0.1, magnitudes 5 → 4 with spread |N(0.5, 0.5)|, bias 0.5) at a size of our choosing; roots scale with N
         * (128 roots for 16,384 features) and the rank with D (25 for 768), at least 1 each.
         */
        public static Config synthSaeBenchLike(int features, int hiddenDim, long seed) {
            int roots = Math.max(1, features / 128);
            int rank = Math.max(1, Math.round(25f * hiddenDim / 768));
            return new Config(features, hiddenDim, 0.5, 0.4, 5e-4, roots, 4, 3, rank, 0.1, 5.0, 4.0, 0.5, 0.5, 10, 0.5, seed);
        }

        /** Independent features, no hierarchy, no bias: the easiest case (tests). */
        public static Config plain(int features, int hiddenDim, double maxProb, double minProb, long seed) {
            return new Config(features, hiddenDim, 0.5, maxProb, minProb, 0, 0, 0, 0, 0, 1.0, 1.0, 0.0, 0.0, 0, 0.0, seed);
        }
    }

    /** {@code n} samples: {@code x} [n, D] row-major, and for each sample its active features and their magnitudes. */
    public record Sample(int n, int dim, float[] x, int[][] active, float[][] magnitude) {
        public double meanL0() {
            long s = 0;
            for (int[] a : active) s += a.length;
            return s / (double) n;
        }
    }

    private final Config cfg;
    private final float[][] directions;
    private final double[] targetProb;
    private final double[] thresholds;
    private final double[][] loadings;
    private final double[] ownScale;
    private final int[] parent;
    private final int[] level;
    private final List<int[]> siblingGroups = new ArrayList<>();
    private final double[] meanMagnitude;
    private final double[] stdMagnitude;
    private final float[] bias;

    public SyntheticFeatures(Config cfg) {
        this.cfg = cfg;
        int n = cfg.features(), d = cfg.hiddenDim();
        SplittableRandom rnd = new SplittableRandom(cfg.seed());
        directions = new float[n][d];
        for (float[] v : directions) {
            for (int i = 0; i < d; i++) v[i] = (float) rnd.nextGaussian();
            normalize(v);
        }
        orthogonalize(cfg.orthogonalizeSteps());

        targetProb = zipf(n, cfg.zipfExponent(), cfg.minProb(), cfg.maxProb());
        parent = new int[n];
        level = new int[n];
        Arrays.fill(parent, -1);
        buildForest();
        double[] sampling = new double[n];
        for (int i = 0; i < n; i++) {
            sampling[i] = parent[i] < 0 ? targetProb[i] : Math.min(1.0, targetProb[i] / targetProb[parent[i]]);
        }
        thresholds = new double[n];
        for (int i = 0; i < n; i++) thresholds[i] = sampling[i] >= 1 ? Double.NEGATIVE_INFINITY : inverseNormal(1 - sampling[i]);

        int r = cfg.correlationRank();
        loadings = new double[n][r];
        ownScale = new double[n];
        for (int i = 0; i < n; i++) {
            if (r > 0 && cfg.correlationScale() > 0) {
                double s = 0;
                for (int j = 0; j < r; j++) {
                    loadings[i][j] = rnd.nextGaussian();
                    s += loadings[i][j] * loadings[i][j];
                }
                double scale = Math.sqrt(cfg.correlationScale() / Math.max(s, 1e-12));
                for (int j = 0; j < r; j++) loadings[i][j] *= scale;
            }
            ownScale[i] = Math.sqrt(1 - (r > 0 ? cfg.correlationScale() : 0));
        }
        meanMagnitude = new double[n];
        stdMagnitude = new double[n];
        for (int i = 0; i < n; i++) {
            meanMagnitude[i] = n == 1 ? cfg.magnitudeStart()
                    : cfg.magnitudeStart() + (cfg.magnitudeEnd() - cfg.magnitudeStart()) * i / (n - 1.0);
            stdMagnitude[i] = Math.abs(cfg.stdMean() + cfg.stdStd() * rnd.nextGaussian());
        }
        bias = new float[d];
        if (cfg.bias() > 0) {
            for (int i = 0; i < d; i++) bias[i] = (float) rnd.nextGaussian();
            normalize(bias);
            for (int i = 0; i < d; i++) bias[i] *= (float) cfg.bias();
        }
    }

    public Config config() {
        return cfg;
    }

    /** Ground-truth unit directions [N][D] (copies). */
    public float[][] directions() {
        float[][] out = new float[directions.length][];
        for (int i = 0; i < out.length; i++) out[i] = directions[i].clone();
        return out;
    }

    /** Each feature's parent in the hierarchy, or −1. */
    public int parentOf(int feature) {
        return parent[feature];
    }

    public double targetProbability(int feature) {
        return targetProb[feature];
    }

    /** Features that belong to a hierarchy tree. */
    public int hierarchyFeatures() {
        int c = 0;
        for (int i = 0; i < parent.length; i++) if (parent[i] >= 0 || isRootWithChildren(i)) c++;
        return c;
    }

    private boolean isRootWithChildren(int i) {
        for (int[] g : siblingGroups) if (g.length > 0 && parent[g[0]] == i) return true;
        return false;
    }

    /** Draws {@code n} samples (deterministic for a seed). */
    public Sample sample(int n, long seed) {
        int nf = cfg.features(), d = cfg.hiddenDim(), r = cfg.correlationRank();
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n * d];
        int[][] active = new int[n][];
        float[][] mags = new float[n][];
        double[] g = new double[r];
        double[] act = new double[nf];
        int maxLevel = 0;
        for (int l : level) maxLevel = Math.max(maxLevel, l);
        for (int s = 0; s < n; s++) {
            for (int j = 0; j < r; j++) g[j] = rnd.nextGaussian();
            for (int i = 0; i < nf; i++) {
                double z = ownScale[i] * rnd.nextGaussian();
                double[] li = loadings[i];
                for (int j = 0; j < r; j++) z += li[j] * g[j];
                act[i] = z > thresholds[i] ? 1 : 0;
            }
            if (!siblingGroups.isEmpty()) applyHierarchy(act, maxLevel, rnd);
            // magnitudes: parents before children (breadth-first indices), children scaled by parent / parent mean
            int count = 0;
            for (int i = 0; i < nf; i++) {
                if (act[i] == 0) continue;
                double m = Math.max(0, meanMagnitude[i] + stdMagnitude[i] * rnd.nextGaussian());
                if (parent[i] >= 0) m *= act[parent[i]] / meanMagnitude[parent[i]];
                act[i] = m;
                if (m > 0) count++;
            }
            int[] ids = new int[count];
            float[] vals = new float[count];
            int c = 0;
            int row = s * d;
            System.arraycopy(bias, 0, x, row, d);
            for (int i = 0; i < nf; i++) {
                if (act[i] <= 0) continue;
                ids[c] = i;
                vals[c] = (float) act[i];
                c++;
                float a = (float) act[i];
                float[] v = directions[i];
                for (int k = 0; k < d; k++) x[row + k] += a * v[k];
            }
            active[s] = ids;
            mags[s] = vals;
        }
        return new Sample(n, d, x, active, mags);
    }

    /** Level by level: a child whose parent is off goes off; of several active siblings one (uniform) stays. */
    private void applyHierarchy(double[] act, int maxLevel, SplittableRandom rnd) {
        for (int l = 1; l <= maxLevel; l++) {
            for (int[] group : siblingGroups) {
                if (level[group[0]] != l) continue;
                int p = parent[group[0]];
                int on = 0;
                for (int c : group) {
                    if (act[p] == 0) act[c] = 0;
                    if (act[c] != 0) on++;
                }
                if (on > 1) {
                    int keep = rnd.nextInt(on);
                    for (int c : group) {
                        if (act[c] == 0) continue;
                        if (keep-- != 0) act[c] = 0;
                    }
                }
            }
        }
    }

    /** Roots take indices 0..R−1, then their children level by level (breadth-first), while indices last. */
    private void buildForest() {
        int n = cfg.features();
        if (cfg.rootNodes() == 0 || cfg.depth() < 1) return;
        List<Integer> current = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < cfg.rootNodes() && next < n; i++) current.add(next++);
        for (int l = 1; l < cfg.depth() && cfg.branching() > 0; l++) {
            List<Integer> children = new ArrayList<>();
            for (int p : current) {
                if (next + cfg.branching() > n) break;
                int[] group = new int[cfg.branching()];
                for (int b = 0; b < group.length; b++) {
                    group[b] = next++;
                    parent[group[b]] = p;
                    level[group[b]] = l;
                    children.add(group[b]);
                }
                siblingGroups.add(group);
            }
            current = children;
        }
    }

    private void orthogonalize(int steps) {
        int n = directions.length, d = cfg.hiddenDim();
        double lr = 0.5 / Math.max(1, n / (double) d);
        for (int step = 0; step < steps; step++) {
            float[][] next = new float[n][d];
            for (int i = 0; i < n; i++) {
                float[] vi = directions[i];
                float[] grad = new float[d];
                for (int j = 0; j < n; j++) {
                    if (j == i) continue;
                    float[] vj = directions[j];
                    float dot = 0;
                    for (int k = 0; k < d; k++) dot += vi[k] * vj[k];
                    for (int k = 0; k < d; k++) grad[k] += dot * vj[k];
                }
                for (int k = 0; k < d; k++) next[i][k] = (float) (vi[k] - lr * grad[k] / n * d);
                normalize(next[i]);
            }
            System.arraycopy(next, 0, directions, 0, n);
        }
    }

    /** Mean |cos| between distinct ground-truth directions (a sample of pairs when N is large). */
    public double meanAbsCosine() {
        int n = directions.length;
        double s = 0;
        long c = 0;
        int stride = Math.max(1, n / 256);
        for (int i = 0; i < n; i += stride) {
            for (int j = i + 1; j < n; j++) {
                s += Math.abs(dot(directions[i], directions[j]));
                c++;
            }
        }
        return c == 0 ? 0 : s / c;
    }

    static double[] zipf(int n, double exponent, double min, double max) {
        double[] p = new double[n];
        double first = 1, last = Math.pow(n, -exponent);
        for (int i = 0; i < n; i++) {
            double r = Math.pow(i + 1, -exponent);
            p[i] = n == 1 || first == last ? max : min + (max - min) * (r - last) / (first - last);
        }
        return p;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    static void normalize(float[] v) {
        double s = 0;
        for (float f : v) s += f * f;
        float inv = (float) (1 / Math.max(Math.sqrt(s), 1e-12));
        for (int i = 0; i < v.length; i++) v[i] *= inv;
    }

    /** Φ⁻¹(p) by Acklam's rational approximation refined with one Halley step (|error| &lt; 1e-9). */
    static double inverseNormal(double p) {
        if (p <= 0) return Double.NEGATIVE_INFINITY;
        if (p >= 1) return Double.POSITIVE_INFINITY;
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        double[] dd = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double q, x;
        if (p < 0.02425) {
            q = Math.sqrt(-2 * Math.log(p));
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((dd[0] * q + dd[1]) * q + dd[2]) * q + dd[3]) * q + 1);
        } else if (p <= 1 - 0.02425) {
            q = p - 0.5;
            double r = q * q;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        } else {
            q = Math.sqrt(-2 * Math.log(1 - p));
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((dd[0] * q + dd[1]) * q + dd[2]) * q + dd[3]) * q + 1);
        }
        double e = 0.5 * erfc(-x / Math.sqrt(2)) - p;
        double u = e * Math.sqrt(2 * Math.PI) * Math.exp(x * x / 2);
        return x - u / (1 + x * u / 2);
    }

    /** Complementary error function (Numerical Recipes' erfcc, |relative error| &lt; 1.2e-7). */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
