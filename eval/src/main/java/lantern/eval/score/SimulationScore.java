package lantern.eval.score;

import java.util.Map;

/**
 * Pearson correlation between true and simulated activations over every token of the held-out top and random
 * windows, concatenated (OpenAI's ev_correlation_score). Windows whose simulation failed are left out and counted.
 *
 * @param simulator the simulator that produced the predictions (the fallback's name when llm-logprob fell back)
 * @param failures  why windows failed: reason → windows (empty when none failed)
 */
public record SimulationScore(double correlation, String simulator, int nHeldOutTop, int nRandom, int nFailed,
                              Map<String, Integer> failures) {
    public SimulationScore {
        failures = failures == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(failures));
    }

    public SimulationScore(double correlation, String simulator, int nHeldOutTop, int nRandom, int nFailed) {
        this(correlation, simulator, nHeldOutTop, nRandom, nFailed, Map.of());
    }
}
