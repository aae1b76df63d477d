package lantern.index;

import java.util.List;

/**
 * "Search by inference": runs the subject model on a text and returns the features that fire most, strongest first.
 * The service implements it over the loaded model; {@link FeatureIndex#explanationsFor} joins the ids with the index.
 */
public interface FeatureActivationFinder {
    /**
     * @param kind  "mlp" for neurons, or an SAE kind (e.g. {@code sae-resid_post-k32}); each kind has its own scale,
     *              so features of different kinds are never ranked together
     * @param layer only this layer (required for an SAE kind); null: every layer
     */
    List<FeatureActivation> find(String model, String kind, Integer layer, String text, int limit);
}
