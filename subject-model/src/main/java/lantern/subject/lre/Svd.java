package lantern.subject.lre;

/**
 * Singular value decomposition of a square matrix by one-sided Jacobi rotations (Hestenes), in double precision:
 * {@code A = U diag(s) V^T}, singular values sorted in decreasing order. Plain Java: DJL's PyTorch engine exposes
 * no SVD, and the matrices here are d_model square (a few hundred), a second or less.
 */
public final class Svd {
    public final int n;
    /** Columns are left singular vectors: u[i][k] = U_ik. */
    public final double[][] u;
    public final double[] s;
    /** Columns are right singular vectors: v[i][k] = V_ik. */
    public final double[][] v;

    private Svd(double[][] u, double[] s, double[][] v) {
        this.n = s.length;
        this.u = u;
        this.s = s;
        this.v = v;
    }

    /** {@code a} is row-major n x n. */
    public static Svd of(float[] a, int n) {
        double[][] w = new double[n][n]; // columns of A, rotated into U diag(s)
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) w[j][i] = a[i * n + j];
        double[][] vt = new double[n][n]; // columns of V as rows
        for (int i = 0; i < n; i++) vt[i][i] = 1;
        for (int sweep = 0; sweep < 60; sweep++) {
            double off = 0;
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double alpha = 0, beta = 0, gamma = 0;
                    double[] cp = w[p], cq = w[q];
                    for (int i = 0; i < n; i++) {
                        alpha += cp[i] * cp[i];
                        beta += cq[i] * cq[i];
                        gamma += cp[i] * cq[i];
                    }
                    if (gamma == 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
                    off = Math.max(off, Math.abs(gamma) / Math.sqrt(alpha * beta));
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
                    if (zeta == 0) t = 1;
                    double c = 1 / Math.sqrt(1 + t * t), sn = c * t;
                    rotate(cp, cq, c, sn);
                    rotate(vt[p], vt[q], c, sn);
                }
            }
            if (off < 1e-13) break;
        }
        double[] s = new double[n];
        for (int k = 0; k < n; k++) {
            double norm = 0;
            for (double x : w[k]) norm += x * x;
            s[k] = Math.sqrt(norm);
        }
        Integer[] order = new Integer[n];
        for (int k = 0; k < n; k++) order[k] = k;
        java.util.Arrays.sort(order, (x, y) -> Double.compare(s[y], s[x]));
        double[][] u = new double[n][n], v = new double[n][n];
        double[] sorted = new double[n];
        for (int r = 0; r < n; r++) {
            int k = order[r];
            sorted[r] = s[k];
            for (int i = 0; i < n; i++) {
                u[i][r] = s[k] > 0 ? w[k][i] / s[k] : 0;
                v[i][r] = vt[k][i];
            }
        }
        return new Svd(u, sorted, v);
    }

    private static void rotate(double[] a, double[] b, double c, double s) {
        for (int i = 0; i < a.length; i++) {
            double x = a[i], y = b[i];
            a[i] = c * x - s * y;
            b[i] = s * x + c * y;
        }
    }

    /**
     * The rank-{@code rank} pseudo-inverse {@code V_r diag(1/s_r) U_r^T} (the reference's {@code low_rank_pinv}),
     * row-major; singular values that are zero are skipped.
     */
    public float[] pinv(int rank) {
        int r = Math.min(rank, n);
        float[] out = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double x = 0;
                for (int k = 0; k < r; k++) if (s[k] > 0) x += v[i][k] * u[j][k] / s[k];
                out[i * n + j] = (float) x;
            }
        }
        return out;
    }
}
