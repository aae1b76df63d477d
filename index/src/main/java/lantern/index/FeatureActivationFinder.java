package lantern.index;

import java.util.List;

/**
 * "Search by inference": runs the subject model on a text and returns the features that fire most, strongest first.
 * The service implements it over the loaded model; {@link FeatureIndex#explanationsFor} joins the ids with the index.
 */
public interface FeatureActivationFinder {
    List<FeatureActivation> find(String model, String text, int limit);
}
