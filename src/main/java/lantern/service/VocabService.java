package lantern.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import lantern.api.FeatureId;
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
    public record Vocab(List<lantern.api.vocab.TokenLogit> promoted, List<lantern.api.vocab.TokenLogit> suppressed) {
    }

    /** The feature's vocabulary effect, or null for an encoder's feature. */
    public Vocab of(FeatureId id) {
        SubjectModel m = models.get(id.model());
        DecoderModel d = m.languageModel().orElse(null);
        if (d == null) return null;
        lantern.api.vocab.VocabEffect e = lantern.core.Vocabulary.effect(d, id, models.dictionaries(), TOP);
        return new Vocab(e.promoted(), e.suppressed());
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
