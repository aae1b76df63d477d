package lantern.eval.sae;

import java.util.Arrays;

/**
 * Minimum-cost assignment of every row to a distinct column (rows ≤ columns) — the Hungarian algorithm with
 * potentials (Kuhn–Munkres, O(rows²·columns)), what scipy's {@code linear_sum_assignment} solves for SAELens's MCC.
 */
public final class Hungarian {
    private Hungarian() {
    }

    /** {@code cost[r][c]}; returns the column assigned to each row. */
    public static int[] solve(double[][] cost) {
        int n = cost.length;
        if (n == 0) return new int[0];
        int m = cost[0].length;
        if (n > m) throw new IllegalArgumentException("more rows (" + n + ") than columns (" + m + "): transpose first");
        double[] u = new double[n + 1], v = new double[m + 1];
        int[] p = new int[m + 1], way = new int[m + 1];
        double[] minv = new double[m + 1];
        boolean[] used = new boolean[m + 1];
        for (int i = 1; i <= n; i++) {
            p[0] = i;
            int j0 = 0;
            Arrays.fill(minv, Double.POSITIVE_INFINITY);
            Arrays.fill(used, false);
            do {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                double delta = Double.POSITIVE_INFINITY;
                double[] row = cost[i0 - 1];
                double ui0 = u[i0];
                for (int j = 1; j <= m; j++) {
                    if (used[j]) continue;
                    double cur = row[j - 1] - ui0 - v[j];
                    if (cur < minv[j]) {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if (minv[j] < delta) {
                        delta = minv[j];
                        j1 = j;
                    }
                }
                for (int j = 0; j <= m; j++) {
                    if (used[j]) {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (p[j0] != 0);
            do {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] assign = new int[n];
        for (int j = 1; j <= m; j++) if (p[j] != 0) assign[p[j] - 1] = j - 1;
        return assign;
    }
}
