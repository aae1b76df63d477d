package lantern.explainer.explain;

/**
 * Pearson correlation that never throws: NaN when it is undefined (fewer than two pairs, a constant side).
 * Pairs where either value is NaN are skipped, so one missing prediction does not poison the rest.
 */
public final class Correlation {
    private Correlation() {
    }

    public static double pearson(double[] x, double[] y) {
        if (x.length != y.length) throw new IllegalArgumentException("correlation needs equal lengths: " + x.length + " vs " + y.length);
        return pearsonOfRows(new double[][]{x}, new double[][]{y}, new int[]{0});
    }

    /**
     * {@link #pearson} of the concatenation of {@code rows} (indices into {@code xs} and {@code ys}, repeats allowed),
     * computed in place: the same operations in the same order as on the concatenated arrays, so the same double bit
     * for bit, without building them (a bootstrap resamples windows a thousand times).
     */
    public static double pearsonOfRows(double[][] xs, double[][] ys, int[] rows) {
        int n = 0;
        double sx = 0, sy = 0;
        for (int r : rows) {
            double[] x = xs[r], y = ys[r];
            for (int i = 0; i < x.length; i++) {
                if (Double.isNaN(x[i]) || Double.isNaN(y[i])) continue;
                n++;
                sx += x[i];
                sy += y[i];
            }
        }
        if (n < 2) return Double.NaN;
        double mx = sx / n, my = sy / n, cxy = 0, cxx = 0, cyy = 0;
        for (int r : rows) {
            double[] x = xs[r], y = ys[r];
            for (int i = 0; i < x.length; i++) {
                if (Double.isNaN(x[i]) || Double.isNaN(y[i])) continue;
                double dx = x[i] - mx, dy = y[i] - my;
                cxy += dx * dy;
                cxx += dx * dx;
                cyy += dy * dy;
            }
        }
        if (cxx == 0 || cyy == 0 || Double.isInfinite(cxx) || Double.isInfinite(cyy)) return Double.NaN;
        double r = cxy / Math.sqrt(cxx * cyy);
        return Math.max(-1, Math.min(1, r));
    }
}
