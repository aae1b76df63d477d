package lantern.eval.score;

/** Balanced accuracy of "does the feature fire in this window?" answered from the explanation alone. */
public record DetectionScore(double balancedAccuracy, String detector, int nPositive, int nNegative, int nFailed) {
}
