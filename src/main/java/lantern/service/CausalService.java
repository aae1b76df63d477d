package lantern.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import lantern.eval.causal.CausalScore;
import lantern.eval.causal.DecoderCausalScorer;
import lantern.explainer.FeatureRecords;
import lantern.subject.decoder.DecoderModel;

/**
 * The causal check of a collected feature, whichever model it belongs to: on MiniLM the change of sentence
 * embeddings ({@link SteeringService#causal}), on decoders the change of the next-token distribution
 * ({@link DecoderCausalScorer}).
 */
@ApplicationScoped
public class CausalService {
    @Inject
    ModelRegistry models;
    @Inject
    SteeringService steering;

    public CausalScore causal(FeatureRecords records) {
        if (models.get(records.id().model()) instanceof DecoderModel d) {
            return new DecoderCausalScorer(d, models.saes()).ablationScore(records);
        }
        return steering.causal(records);
    }
}
