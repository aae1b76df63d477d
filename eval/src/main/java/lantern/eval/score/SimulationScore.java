package lantern.eval.score;

import lantern.api.score.Interval;
import java.util.Map;

/**
 * Pearson correlation between true and simulated activations over every token of the held-out top and random
 * windows, concatenated (OpenAI's ev_correlation_score). Windows whose simulation failed are left out and counted.
 *
 * @param simulator the simulator that produced the predictions (the fallback's name when llm-logprob fell back)
 * @param failures  why windows failed: reason → windows (empty when none failed)
 * @param ci95      seeded bootstrap 95% interval over windows
 */
public record SimulationScore(double correlation, String simulator, int nHeldOutTop, int nRandom, int nFailed,
                              Map<String, Integer> failures, Interval ci95) {
    public SimulationScore {
        failures = failures == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(failures));
        if (ci95 == null) ci95 = Interval.none(correlation, nHeldOutTop + nRandom);
    }

    public SimulationScore(double correlation, String simulator, int nHeldOutTop, int nRandom, int nFailed) {
        this(correlation, simulator, nHeldOutTop, nRandom, nFailed, Map.of(), null);
    }

    public SimulationScore(double correlation, String simulator, int nHeldOutTop, int nRandom, int nFailed,
                           Map<String, Integer> failures) {
        this(correlation, simulator, nHeldOutTop, nRandom, nFailed, failures, null);
    }

    public SimulationScore(double correlation, String simulator, int nHeldOutTop, int nRandom, int nFailed,
                           Interval ci95) {
        this(correlation, simulator, nHeldOutTop, nRandom, nFailed, Map.of(), ci95);
    }
}
