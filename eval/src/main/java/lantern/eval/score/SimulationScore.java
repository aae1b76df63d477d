package lantern.eval.score;

/**
 * Pearson correlation between true and simulated activations over every token of the held-out top and random
 * windows, concatenated (OpenAI's ev_correlation_score). Windows whose simulation failed are left out and counted.
 */
public record SimulationScore(double correlation, String simulator, int nHeldOutTop, int nRandom, int nFailed, Interval ci95) {
    public SimulationScore {
        if (ci95 == null) ci95 = Interval.none(correlation, nHeldOutTop + nRandom);
    }

    public SimulationScore(double correlation, String simulator, int nHeldOutTop, int nRandom, int nFailed) {
        this(correlation, simulator, nHeldOutTop, nRandom, nFailed, null);
    }
}
