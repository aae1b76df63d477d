package lantern.eval.sae;

/**
 * Logistic-regression probes in plain Java, as sklearn's {@code LogisticRegression} (L2, C = 1) that SAEBench fits:
 * inputs standardised with the training set's mean and spread, then
 * <ul>
 *   <li>binary: Newton's method on Σ log-loss + ½λ‖w‖² (bias not penalised), exact for the few (≤ 20) inputs of a
 *       k-sparse probe;</li>
 *   <li>multiclass: softmax regression by full-batch Adam on the mean cross-entropy + ½λ/n‖W‖², for a probe on a
 *       whole residual stream (the first-letter probe of the absorption metric).</li>
 * </ul>
 */
public final class LogisticProbe {
    private final double[] mean;
    private final double[] scale;
    /** [classes][dims + 1]: weights on standardised inputs, bias last; one row for a binary probe. */
    private final double[][] w;

    private LogisticProbe(double[] mean, double[] scale, double[][] w) {
        this.mean = mean;
        this.scale = scale;
        this.w = w;
    }

    /** A binary probe on rows {@code x} [n][k] with labels {@code y}. */
    public static LogisticProbe binary(double[][] x, boolean[] y, double lambda) {
        int n = x.length, k = n == 0 ? 0 : x[0].length;
        double[] mean = new double[k], scale = new double[k];
        double[][] z = standardize(x, mean, scale);
        double[] beta = new double[k + 1];
        for (int iter = 0; iter < 50; iter++) {
            double[] grad = new double[k + 1];
            double[][] hess = new double[k + 1][k + 1];
            for (int i = 0; i < n; i++) {
                double p = sigmoid(dot(beta, z[i]));
                double r = p - (y[i] ? 1 : 0);
                double wgt = Math.max(p * (1 - p), 1e-10);
                for (int a = 0; a <= k; a++) {
                    double za = a < k ? z[i][a] : 1;
                    grad[a] += r * za;
                    for (int b = 0; b <= a; b++) hess[a][b] += wgt * za * (b < k ? z[i][b] : 1);
                }
            }
            for (int a = 0; a <= k; a++) {
                for (int b = 0; b < a; b++) hess[b][a] = hess[a][b];
                if (a < k) {
                    grad[a] += lambda * beta[a];
                    hess[a][a] += lambda;
                }
                hess[a][a] += 1e-9;
            }
            double[] step = solve(hess, grad);
            double change = 0;
            for (int a = 0; a <= k; a++) {
                beta[a] -= step[a];
                change = Math.max(change, Math.abs(step[a]));
            }
            if (change < 1e-7) break;
        }
        return new LogisticProbe(mean, scale, new double[][]{beta});
    }

    /** A softmax probe on rows {@code x} [n][d] with labels in 0..classes−1. */
    public static LogisticProbe multiclass(double[][] x, int[] y, int classes, double lambda, int iterations) {
        int n = x.length, d = x[0].length;
        double[] mean = new double[d], scale = new double[d];
        double[][] z = standardize(x, mean, scale);
        double[][] w = new double[classes][d + 1];
        double[][] m = new double[classes][d + 1], v = new double[classes][d + 1];
        double lr = 0.01, b1 = 0.9, b2 = 0.999;
        double[] logits = new double[classes];
        for (int t = 1; t <= iterations; t++) {
            double[][] g = new double[classes][d + 1];
            for (int i = 0; i < n; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    logits[c] = dot(w[c], z[i]);
                    max = Math.max(max, logits[c]);
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) sum += logits[c] = Math.exp(logits[c] - max);
                for (int c = 0; c < classes; c++) {
                    double r = (logits[c] / sum - (y[i] == c ? 1 : 0)) / n;
                    if (r == 0) continue;
                    double[] gc = g[c];
                    double[] zi = z[i];
                    for (int a = 0; a < d; a++) gc[a] += r * zi[a];
                    gc[d] += r;
                }
            }
            double c1 = 1 - Math.pow(b1, t), c2 = 1 - Math.pow(b2, t);
            for (int c = 0; c < classes; c++) {
                for (int a = 0; a <= d; a++) {
                    double ga = g[c][a] + (a < d ? lambda / n * w[c][a] : 0);
                    m[c][a] = b1 * m[c][a] + (1 - b1) * ga;
                    v[c][a] = b2 * v[c][a] + (1 - b2) * ga * ga;
                    w[c][a] -= lr * (m[c][a] / c1) / (Math.sqrt(v[c][a] / c2) + 1e-8);
                }
            }
        }
        return new LogisticProbe(mean, scale, w);
    }

    /** Binary: P(y = 1 | x). */
    public double probability(double[] x) {
        return sigmoid(dot(w[0], standardizeRow(x)));
    }

    /** Multiclass: the most likely class. */
    public int predict(double[] x) {
        double[] z = standardizeRow(x);
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < w.length; c++) {
            double s = dot(w[c], z);
            if (s > bestScore) {
                bestScore = s;
                best = c;
            }
        }
        return best;
    }

    public double accuracy(double[][] x, boolean[] y) {
        int ok = 0;
        for (int i = 0; i < x.length; i++) if ((probability(x[i]) >= 0.5) == y[i]) ok++;
        return x.length == 0 ? Double.NaN : ok / (double) x.length;
    }

    /**
     * Class {@code c}'s direction in the raw input space: its weights divided by the standardisation spread (the
     * gradient of its logit with respect to the input).
     */
    public float[] direction(int c) {
        float[] out = new float[mean.length];
        for (int a = 0; a < mean.length; a++) out[a] = (float) (w[c][a] / scale[a]);
        return out;
    }

    private double[] standardizeRow(double[] x) {
        double[] z = new double[mean.length];
        for (int a = 0; a < z.length; a++) z[a] = (x[a] - mean[a]) / scale[a];
        return z;
    }

    private static double[][] standardize(double[][] x, double[] mean, double[] scale) {
        int n = x.length, k = mean.length;
        for (double[] row : x) for (int a = 0; a < k; a++) mean[a] += row[a];
        for (int a = 0; a < k; a++) mean[a] /= Math.max(n, 1);
        for (double[] row : x) for (int a = 0; a < k; a++) scale[a] += (row[a] - mean[a]) * (row[a] - mean[a]);
        for (int a = 0; a < k; a++) {
            double sd = Math.sqrt(scale[a] / Math.max(n, 1));
            scale[a] = sd > 1e-8 ? sd : 1; // a constant input stays 0 after centring
        }
        double[][] z = new double[n][k];
        for (int i = 0; i < n; i++) for (int a = 0; a < k; a++) z[i][a] = (x[i][a] - mean[a]) / scale[a];
        return z;
    }

    /** w · (z, 1): the last weight is the bias. */
    private static double dot(double[] w, double[] z) {
        double s = w[z.length];
        for (int a = 0; a < z.length; a++) s += w[a] * z[a];
        return s;
    }

    private static double sigmoid(double t) {
        return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
    }

    /** Solves A s = b (A symmetric positive definite) by Gaussian elimination with partial pivoting. */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n] = b[i];
        }
        for (int col = 0; col < n; col++) {
            int piv = col;
            for (int r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[piv][col])) piv = r;
            double[] tmp = m[col];
            m[col] = m[piv];
            m[piv] = tmp;
            double p = m[col][col];
            if (Math.abs(p) < 1e-300) continue;
            for (int r = col + 1; r < n; r++) {
                double f = m[r][col] / p;
                if (f == 0) continue;
                for (int c = col; c <= n; c++) m[r][c] -= f * m[col][c];
            }
        }
        double[] s = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double acc = m[r][n];
            for (int c = r + 1; c < n; c++) acc -= m[r][c] * s[c];
            s[r] = Math.abs(m[r][r]) < 1e-300 ? 0 : acc / m[r][r];
        }
        return s;
    }
}
