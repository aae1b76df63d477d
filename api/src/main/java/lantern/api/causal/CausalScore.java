package lantern.api.causal;

/**
 * The causal effect of an intervention on sentence embeddings: mean (1 − cosine(clean, intervened)) over texts
 * from the feature's top-activating windows and over random windows, their ratio, the selectivity, and the sample
 * sizes.
 *
 * @param selectivity (top − random) / (top + random), in [−1, 1]: the ratio mapped monotonically onto a bounded
 *                    scale ((ratio − 1) / (ratio + 1)), so that averages over many features and correlations with
 *                    other scores are not ruled by the few whose random effect is near zero; 0 when neither moves
 */
public record CausalScore(String feature, String intervention, double topEffect, double randomEffect, double ratio,
                          double selectivity, double topStd, double randomStd, int topTexts, int randomTexts,
                          lantern.api.score.Interval ci95) {
    public CausalScore {
        if (ci95 == null) ci95 = lantern.api.score.Interval.none(selectivity, topTexts + randomTexts);
    }

    public CausalScore(String feature, String intervention, double topEffect, double randomEffect, double ratio,
                       double selectivity, double topStd, double randomStd, int topTexts, int randomTexts) {
        this(feature, intervention, topEffect, randomEffect, ratio, selectivity, topStd, randomStd, topTexts, randomTexts, null);
    }

    public static double selectivity(double top, double random) {
        double sum = top + random;
        return sum > 0 ? (top - random) / sum : 0;
    }
}
