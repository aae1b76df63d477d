package lantern.eval.score;

/**
 * Pearson correlation between true and simulated activations over every token of the held-out top and random
 * windows, concatenated (OpenAI's ev_correlation_score). Windows whose simulation failed are left out and counted.
 */
public record SimulationScore(double correlation, String simulator, int nHeldOutTop, int nRandom, int nFailed) {
}
