package lantern.eval.audit;

/** One line of a job's progress log: a finished feature with its result, or its failure. */
public record ProgressEntry(String feature, boolean ok, FeatureResult result, String error, long finishedAt) {
    public static ProgressEntry success(String feature, FeatureResult result, long at) {
        return new ProgressEntry(feature, true, result, null, at);
    }

    public static ProgressEntry failure(String feature, String error, long at) {
        return new ProgressEntry(feature, false, null, error, at);
    }

    public int layer() {
        return Integer.parseInt(feature.split("/")[1]);
    }
}
