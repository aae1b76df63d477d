package lantern.eval.score;

/**
 * Intruder (Paulo et al. 2024): the fraction of groups (firing windows plus one window where the feature does not
 * fire) in which the judge, given the explanation, picks the intruder; chance is 1 / groupSize.
 */
public record IntruderScore(double accuracy, String judge, int nGroups, int groupSize, int nFailed, Interval ci95) {
}
