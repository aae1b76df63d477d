package lantern.index;

/**
 * The 95% intervals of an indexed explanation's scores; a null member has none (not measured, undefined, or indexed
 * before the index kept intervals: such documents hold at most the simulation score's lower bound, see
 * {@link SearchHit#simulationLow()}).
 */
public record Intervals(Bounds simulation, Bounds detection, Bounds embedding, Bounds causal) {
    public static final Intervals NONE = new Intervals(null, null, null, null);

    /** {@code [lo, hi]} over {@code n} resampled units (windows; texts for the causal check). */
    public record Bounds(double lo, double hi, int n) {
        public Bounds {
            if (!Double.isFinite(lo) || !Double.isFinite(hi)) throw new IllegalArgumentException("interval bounds must be finite");
            if (lo > hi) throw new IllegalArgumentException("interval bounds out of order: [" + lo + ", " + hi + "]");
            if (n < 0) throw new IllegalArgumentException("n must be >= 0: " + n);
        }

        /** Bounds from nullable parts; null when either bound is missing or not finite. */
        public static Bounds of(Double lo, Double hi, int n) {
            return lo == null || hi == null || !Double.isFinite(lo) || !Double.isFinite(hi) ? null : new Bounds(lo, hi, n);
        }
    }
}
