package lantern.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import lantern.index.FeatureActivation;
import lantern.index.FeatureActivationFinder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Search by inference: runs the model on the text and ranks the features of one kind (neurons, or one SAE's
 * features) by their strongest activation on it.
 */
@ApplicationScoped
public class InferenceFeatureFinder implements FeatureActivationFinder {
    @Inject
    ActivationService activations;

    @Override
    public List<FeatureActivation> find(String model, String kind, Integer layer, String text, int limit) {
        var strongest = activations.strongest(model, kind, layer, text, Math.max(10, Math.min(limit, 100)));
        Map<String, FeatureActivation> best = new HashMap<>();
        for (int t = 0; t < strongest.tokens().size(); t++) {
            String token = strongest.tokens().get(t);
            if (token.startsWith("[") && token.endsWith("]")) continue; // [CLS], [SEP]: not text
            for (var fa : strongest.top().get(t)) {
                best.merge(fa.feature(), new FeatureActivation(fa.feature(), fa.activation(), token),
                        (a, b) -> a.activation() >= b.activation() ? a : b);
            }
        }
        List<FeatureActivation> out = new ArrayList<>(best.values());
        out.sort(Comparator.comparingDouble(FeatureActivation::activation).reversed());
        return out.subList(0, Math.min(limit, out.size()));
    }
}
