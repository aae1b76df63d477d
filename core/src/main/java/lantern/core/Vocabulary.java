package lantern.core;

import lantern.api.FeatureId;
import lantern.api.vocab.VocabEffect;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.OutputVocab;
import lantern.subject.sae.SaeStore;
import lantern.subject.transcoder.FeatureDictionaries;
import lantern.subject.transcoder.TranscoderStore;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A feature's output side read in vocabulary space: its output direction (a neuron's row of W_out, an SAE's or a
 * transcoder's decoder row where it is written) through the final norm and the unembedding. Encoders have none.
 */
public final class Vocabulary {
    private final ModelSource models;
    private final Path dataDir;

    public Vocabulary(ModelSource models, Path dataDir) {
        this.models = models;
        this.dataDir = dataDir;
    }

    /** The {@code k} tokens promoted and suppressed most, or empty for an encoder's feature. */
    public Optional<VocabEffect> of(FeatureId id, int k) {
        if (!new ModelCatalog(dataDir).isDecoder(id.model())) return Optional.empty();
        return models.withModel(id.model(), m -> m.languageModel().map(d -> {
            try (SaeStore saes = new SaeStore(dataDir, d.manager());
                 TranscoderStore transcoders = new TranscoderStore(dataDir, d.manager())) {
                return effect(d, id, new FeatureDictionaries(saes, transcoders), k);
            }
        }));
    }

    /** The effect with dictionaries the caller holds (the service keeps its SAEs and transcoders loaded). */
    public static VocabEffect effect(DecoderModel d, FeatureId id, FeatureDictionaries dicts, int k) {
        if (id.isNeuron()) return OutputVocab.ofNeuron(d, id.layer(), id.index(), k);
        var w = dicts.writes(id.model(), id.layer(), id.kind(), id.index());
        return OutputVocab.ofDirection(d, w.hook(), w.vector(), k);
    }
}
