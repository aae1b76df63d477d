package lantern.eval.score;

import lantern.api.score.Interval;
/**
 * Fuzzing (Paulo et al. 2024): balanced accuracy of telling windows whose highlighted tokens are the ones the
 * feature fires on from the same windows with as many tokens highlighted at random, judged from the explanation.
 *
 * @param balancedAccuracy NaN when the feature could not be scored; {@code reason} then says why
 * @param nFailed          examples the judge gave no answer for (an LLM call failed, or the statistical rule could
 *                         not tell: it predicts the same on the highlighted tokens as on the others)
 * @param reason           why there is no score (null when there is one)
 */
public record FuzzingScore(double balancedAccuracy, String judge, int nExamples, int nFailed, Interval ci95, String reason) {
    public FuzzingScore(double balancedAccuracy, String judge, int nExamples, int nFailed, Interval ci95) {
        this(balancedAccuracy, judge, nExamples, nFailed, ci95, null);
    }
}
