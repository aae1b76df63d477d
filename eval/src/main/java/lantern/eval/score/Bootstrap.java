package lantern.eval.score;

import lantern.api.score.Interval;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

import lantern.explainer.explain.Correlation;

/**
 * Seeded percentile bootstrap over scoring units (windows): draws {@code resamples} samples of the units with
 * replacement, recomputes the statistic on each, and reports the 2.5th and 97.5th percentiles of the defined ones.
 * The seed is fixed, so the same windows give the same interval on every run.
 */
public final class Bootstrap {
    public static final int RESAMPLES = 1000;
    public static final long SEED = 0x1a57e4L;

    private Bootstrap() {
    }

    /**
     * @param n         units
     * @param statistic the statistic of a sample, given the indices of the units drawn (NaN when undefined)
     */
    public static Interval of(double value, int n, ToDoubleFunction<int[]> statistic) {
        return of(value, n, statistic, RESAMPLES, SEED);
    }

    public static Interval of(double value, int n, ToDoubleFunction<int[]> statistic, int resamples, long seed) {
        if (n < 2 || Double.isNaN(value)) return Interval.none(value, n);
        SplittableRandom random = new SplittableRandom(seed);
        double[] stats = new double[resamples];
        int defined = 0;
        int[] sample = new int[n];
        for (int b = 0; b < resamples; b++) {
            for (int i = 0; i < n; i++) sample[i] = random.nextInt(n);
            double s = statistic.applyAsDouble(sample);
            if (!Double.isNaN(s) && !Double.isInfinite(s)) stats[defined++] = s;
        }
        // an interval from a handful of defined resamples would look more certain than it is
        if (defined < resamples / 2) return Interval.none(value, n);
        double[] d = Arrays.copyOf(stats, defined);
        Arrays.sort(d);
        return new Interval(value, percentile(d, 0.025), percentile(d, 0.975), n);
    }

    static double percentile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        int j = Math.min(sorted.length - 1, i + 1);
        return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
    }

    /** Pearson over the concatenation of the windows drawn; window w holds {@code truth[w]} and {@code predicted[w]}. */
    public static Interval pearsonOverWindows(double value, double[][] truth, double[][] predicted) {
        boolean aligned = truth.length == predicted.length;
        for (int w = 0; aligned && w < truth.length; w++) aligned = truth[w].length == predicted[w].length;
        if (aligned) return of(value, truth.length, sample -> pearsonOfWindows(sample, truth, predicted));
        return of(value, truth.length, sample -> {
            int len = 0;
            for (int w : sample) len += truth[w].length;
            double[] t = new double[len], p = new double[len];
            int k = 0;
            for (int w : sample) {
                System.arraycopy(truth[w], 0, t, k, truth[w].length);
                System.arraycopy(predicted[w], 0, p, k, predicted[w].length);
                k += truth[w].length;
            }
            return Pearson.of(t, p);
        });
    }

    /**
     * {@link Correlation#pearson} of the concatenation of the windows drawn, computed in place: the same operations in
     * the same order as on the concatenated arrays (so the same double, bit for bit), without building them for each
     * of the thousand resamples.
     */
    static double pearsonOfWindows(int[] sample, double[][] truth, double[][] predicted) {
        return Correlation.pearsonOfRows(truth, predicted, sample);
    }

    /** Balanced accuracy over the windows drawn. */
    public static Interval balancedAccuracy(double value, boolean[] truth, boolean[] predicted) {
        return of(value, truth.length, sample -> {
            boolean[] t = new boolean[sample.length], p = new boolean[sample.length];
            for (int i = 0; i < sample.length; i++) {
                t[i] = truth[sample[i]];
                p[i] = predicted[sample[i]];
            }
            return BalancedAccuracy.of(t, p);
        });
    }

    /** ROC AUC over the windows drawn (positives and negatives drawn apart, so each sample keeps both classes). */
    public static Interval auc(double value, double[] positives, double[] negatives) {
        return twoSample(value, positives, negatives, RocAuc::of);
    }

    /** A statistic of two groups (top and random texts), each resampled on its own. */
    public static Interval twoSample(double value, double[] a, double[] b, java.util.function.BiFunction<double[], double[], Double> statistic) {
        int n = a.length + b.length;
        if (a.length < 2 || b.length < 2 || Double.isNaN(value)) return Interval.none(value, n);
        SplittableRandom random = new SplittableRandom(SEED);
        return of(value, n, ignored -> {
            double[] x = new double[a.length], y = new double[b.length];
            for (int i = 0; i < x.length; i++) x[i] = a[random.nextInt(a.length)];
            for (int i = 0; i < y.length; i++) y[i] = b[random.nextInt(b.length)];
            return statistic.apply(x, y);
        });
    }
}
