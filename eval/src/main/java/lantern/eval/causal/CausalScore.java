package lantern.eval.causal;

/**
 * The causal effect of an intervention on sentence embeddings: mean (1 − cosine(clean, intervened)) over texts
 * from the feature's top-activating windows and over random windows, their ratio, and the sample sizes.
 */
public record CausalScore(String feature, String intervention, double topEffect, double randomEffect, double ratio,
                          double topStd, double randomStd, int topTexts, int randomTexts) {
}
