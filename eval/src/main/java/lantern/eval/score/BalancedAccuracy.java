package lantern.eval.score;

/** Mean of the true-positive and true-negative rates; NaN when either class is empty. */
public final class BalancedAccuracy {
    private BalancedAccuracy() {
    }

    public static double of(boolean[] truth, boolean[] predicted) {
        if (truth.length != predicted.length) throw new IllegalArgumentException("lengths differ");
        int tp = 0, p = 0, tn = 0, n = 0;
        for (int i = 0; i < truth.length; i++) {
            if (truth[i]) {
                p++;
                if (predicted[i]) tp++;
            } else {
                n++;
                if (!predicted[i]) tn++;
            }
        }
        if (p == 0 || n == 0) return Double.NaN;
        return 0.5 * ((double) tp / p + (double) tn / n);
    }
}
