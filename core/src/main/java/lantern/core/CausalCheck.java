package lantern.core;

import lantern.errors.InvalidInputException;
import lantern.api.causal.CausalScore;
import lantern.eval.causal.CausalScorer;
import lantern.eval.causal.DecoderCausalScorer;
import lantern.eval.causal.DirectionStore;
import lantern.eval.causal.InterventionPlanner;
import lantern.api.FeatureRecords;
import lantern.subject.EncoderModel;
import lantern.subject.SubjectModel;
import lantern.subject.decoder.DecoderModel;

import java.nio.file.Path;

/**
 * The causal check of a collected feature, whichever model it belongs to: on encoders (MiniLM) the change of
 * sentence embeddings when the feature is ablated ({@link CausalScorer#ablationScore}), on decoders the change of the
 * next-token distribution ({@link DecoderCausalScorer}). Plain: {@link CausalService} uses it over the app's models; a Spark
 * executor over its own.
 */
public final class CausalCheck {
    private final LoadedModels models;
    private final Path dataDir;

    public CausalCheck(LoadedModels models, Path dataDir) {
        this.models = models;
        this.dataDir = dataDir;
    }

    public CausalScore causal(FeatureRecords records) {
        SubjectModel m = models.get(records.id().model());
        DecoderModel d = m.languageModel().orElse(null);
        if (d != null) return DecoderCausalScorer.of(d, models.dictionaries()).ablationScore(records);
        EncoderModel e = m.sentenceEmbedder().orElse(null);
        if (e != null) {
            return new CausalScorer(e, new InterventionPlanner(e, models.saes(), new DirectionStore(dataDir))).ablationScore(records);
        }
        throw new InvalidInputException("model '" + records.id().model() + "' has no causal check");
    }
}
