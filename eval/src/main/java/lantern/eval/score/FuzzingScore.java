package lantern.eval.score;

/**
 * Fuzzing (Paulo et al. 2024): balanced accuracy of telling windows whose highlighted tokens are the ones the
 * feature fires on from the same windows with as many tokens highlighted at random, judged from the explanation.
 */
public record FuzzingScore(double balancedAccuracy, String judge, int nExamples, int nFailed, Interval ci95) {
}
