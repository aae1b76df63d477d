package lantern.eval.score;

/** Balanced accuracy of "does the feature fire in this window?" answered from the explanation alone. */
public record DetectionScore(double balancedAccuracy, String detector, int nPositive, int nNegative, int nFailed, Interval ci95) {
    public DetectionScore {
        if (ci95 == null) ci95 = Interval.none(balancedAccuracy, nPositive + nNegative);
    }

    public DetectionScore(double balancedAccuracy, String detector, int nPositive, int nNegative, int nFailed) {
        this(balancedAccuracy, detector, nPositive, nNegative, nFailed, null);
    }
}
