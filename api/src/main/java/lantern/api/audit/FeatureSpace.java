package lantern.api.audit;

/** How many features a model has: the service answers from the loaded models (and SAEs). */
public interface FeatureSpace {
    /** Number of layers; throws IllegalArgumentException for an unknown model. */
    int layers(String model);

    /** Features of {@code kind} in {@code layer} (1536 MLP neurons per MiniLM layer); throws IllegalArgumentException when unknown. */
    int width(String model, int layer, String kind);
}
