package lantern.eval.score;

import lantern.api.score.Interval;
import java.util.Map;

/**
 * Balanced accuracy of "does the feature fire in this window?" answered from the explanation alone.
 *
 * @param failures why windows went unanswered: reason → windows (empty when none failed)
 * @param ci95     seeded bootstrap 95% interval over windows
 */
public record DetectionScore(double balancedAccuracy, String detector, int nPositive, int nNegative, int nFailed,
                             Map<String, Integer> failures, Interval ci95) {
    public DetectionScore {
        failures = failures == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(failures));
        if (ci95 == null) ci95 = Interval.none(balancedAccuracy, nPositive + nNegative);
    }

    public DetectionScore(double balancedAccuracy, String detector, int nPositive, int nNegative, int nFailed) {
        this(balancedAccuracy, detector, nPositive, nNegative, nFailed, Map.of(), null);
    }

    public DetectionScore(double balancedAccuracy, String detector, int nPositive, int nNegative, int nFailed,
                          Map<String, Integer> failures) {
        this(balancedAccuracy, detector, nPositive, nNegative, nFailed, failures, null);
    }

    public DetectionScore(double balancedAccuracy, String detector, int nPositive, int nNegative, int nFailed,
                          Interval ci95) {
        this(balancedAccuracy, detector, nPositive, nNegative, nFailed, Map.of(), ci95);
    }
}
