package lantern.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import lantern.collect.FeatureId;
import lantern.subject.SubjectModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.OutputVocab;

import java.util.List;

/**
 * The tokens a decoder feature's output direction promotes and suppresses through the unembedding
 * ({@link OutputVocab}); encoders have no unembedding and get none.
 */
@ApplicationScoped
public class VocabService {
    /** Tokens listed each side. */
    public static final int TOP = 10;

    @Inject
    ModelRegistry models;

    /** As {@code GET /api/features/{id}} shows it. */
    public record Vocab(List<OutputVocab.TokenLogit> promoted, List<OutputVocab.TokenLogit> suppressed) {
    }

    /** The feature's vocabulary effect, or null for an encoder's feature. */
    public Vocab of(FeatureId id) {
        SubjectModel m = models.get(id.model());
        DecoderModel d = m.languageModel().orElse(null);
        if (d == null) return null;
        OutputVocab.Effect e = effect(d, id, models.dictionaries(), TOP);
        return new Vocab(e.promoted(), e.suppressed());
    }

    /** A neuron's output row, or an SAE's or a transcoder's decoder row where it is written, through the unembedding. */
    public static OutputVocab.Effect effect(DecoderModel d, FeatureId id, lantern.subject.transcoder.FeatureDictionaries dicts, int k) {
        if (id.isNeuron()) return OutputVocab.ofNeuron(d, id.layer(), id.index(), k);
        var w = dicts.writes(id.model(), id.layer(), id.kind(), id.index());
        return OutputVocab.ofDirection(d, w.hook(), w.vector(), k);
    }

    /**
     * The promoted tokens as words for the index (spaces trimmed, partial characters left out); empty for encoders or
     * on any failure.
     */
    public List<String> promotedWords(String featureId) {
        try {
            Vocab v = of(FeatureId.parse(featureId));
            if (v == null) return List.of();
            // a partial character (shown as <0xE2>) is no word to search for
            return v.promoted().stream().map(t -> t.token().strip()).filter(t -> !t.isEmpty() && !t.contains("<0x")).toList();
        } catch (RuntimeException e) {
            org.jboss.logging.Logger.getLogger(VocabService.class).debugf("no vocab for %s: %s", featureId, e.getMessage());
            return List.of();
        }
    }
}
