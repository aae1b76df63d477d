package lantern.index;

/** A feature that fires on a text, with its strongest activation and the token where it peaks (may be null). */
public record FeatureActivation(String featureId, double activation, String token) {
}
