package lantern.eval.score;

import lantern.api.score.Interval;
/**
 * Intruder (Paulo et al. 2024): the fraction of groups (firing windows plus one window where the feature does not
 * fire) in which the judge, given the explanation, picks the intruder; chance is 1 / groupSize.
 *
 * @param accuracy NaN when the feature could not be scored; {@code reason} then says why
 * @param nFailed  groups the judge gave no answer for (an LLM call failed, or the statistical rule fires equally in
 *                 every window of the group, so it cannot point at one)
 * @param reason   why there is no score (null when there is one)
 */
public record IntruderScore(double accuracy, String judge, int nGroups, int groupSize, int nFailed, Interval ci95, String reason) {
    public IntruderScore(double accuracy, String judge, int nGroups, int groupSize, int nFailed, Interval ci95) {
        this(accuracy, judge, nGroups, groupSize, nFailed, ci95, null);
    }
}
