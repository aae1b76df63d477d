package lantern.api.sae;

import java.nio.file.Path;

/**
 * A trained and saved SAE.
 *
 * @param model        the model's id (feature ids {@code {model}/{layer}/{kind}/N})
 * @param architecture "topk k=32", "l1=5", ... as trained
 */
public record SaeTrainResult(String model, String kind, int layer, int features, String architecture, Path dir,
                             SaeMetrics metrics, long trainTokens, int steps, double trainSeconds) {
}
