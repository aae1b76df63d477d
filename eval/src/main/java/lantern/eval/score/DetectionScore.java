package lantern.eval.score;

import java.util.Map;

/**
 * Balanced accuracy of "does the feature fire in this window?" answered from the explanation alone.
 *
 * @param failures why windows went unanswered: reason → windows (empty when none failed)
 */
public record DetectionScore(double balancedAccuracy, String detector, int nPositive, int nNegative, int nFailed,
                             Map<String, Integer> failures) {
    public DetectionScore {
        failures = failures == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(failures));
    }

    public DetectionScore(double balancedAccuracy, String detector, int nPositive, int nNegative, int nFailed) {
        this(balancedAccuracy, detector, nPositive, nNegative, nFailed, Map.of());
    }
}
