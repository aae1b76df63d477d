package lantern.api.score;

/**
 * A score with its 95% bootstrap confidence interval.
 *
 * @param value the score on the windows as drawn
 * @param lo    2.5th percentile of the score over bootstrap resamples of the windows (NaN when undefined)
 * @param hi    97.5th percentile
 * @param n     the units resampled (windows, or texts for the causal check)
 */
public record Interval(double value, double lo, double hi, int n) {
    public static Interval none(double value, int n) {
        return new Interval(value, Double.NaN, Double.NaN, n);
    }

    public boolean hasBounds() {
        return !Double.isNaN(lo) && !Double.isNaN(hi);
    }

    public double width() {
        return hi - lo;
    }
}
