package lantern.api;

/**
 * One feature's activation statistics over every token of the corpus slice it was collected on.
 *
 * @param quantiles      activation values at the probabilities {@code quantileLevels}
 * @param tokens         how many tokens the statistics cover
 */
public record FeatureStats(float max, float mean, float fractionNonZero, double[] quantileLevels, float[] quantiles,
                           long tokens) {
}
