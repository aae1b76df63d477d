package lantern.eval.score;

import lantern.api.FeatureId;
import lantern.explainer.explain.CorpusLanguage;
import lantern.explainer.explain.Explanation;
import lantern.explainer.explain.RecordSplit;
import lantern.subject.EncoderModel;
import lantern.subject.SentenceEmbedder;
import lantern.subject.bert.EmbeddedEncoder;

import java.util.function.Function;

/**
 * Which sentence encoder embeds a label and its windows for the embedding score, the one rule the service and the CLI
 * share: an embedded encoder's own features use that encoder (bge-small-zh's Chinese labels are embedded by
 * bge-small-zh, MiniLM's by MiniLM); any other model's features use bge-small-zh when their windows are Chinese and
 * MiniLM otherwise. The encoders come from a loader by id (each caller loads and caches them its own way).
 */
public final class ScoringEmbedders {
    public static final String CHINESE = EmbeddedEncoder.BGE_SMALL_ZH.id();

    private final Function<String, SentenceEmbedder> byId;
    private final String fixedName;  // null: the rule chooses

    /** @param byId the sentence embedder of an encoder id ("minilm-l6", "bge-small-zh"), loaded on first use */
    public ScoringEmbedders(Function<String, SentenceEmbedder> byId) {
        this(byId, null);
    }

    private ScoringEmbedders(Function<String, SentenceEmbedder> byId, String fixedName) {
        this.byId = byId;
        this.fixedName = fixedName;
    }

    /** One embedder whatever the feature (a caller that has only one, or a test); {@code name} is what scores record. */
    public static ScoringEmbedders fixed(SentenceEmbedder embedder, String name) {
        return new ScoringEmbedders(id -> embedder, name);
    }

    /** The encoder id for a feature's embedding score. */
    public String encoderFor(FeatureId feature, RecordSplit split) {
        return fixedName != null ? fixedName : encoderId(feature.model(), CorpusLanguage.of(split.scoring()));
    }

    /** The rule itself: the model's own encoder when it is one, else by the windows' language. */
    public static String encoderId(String model, CorpusLanguage windows) {
        if (EmbeddedEncoder.byId(model).isPresent()) return model;
        return windows == CorpusLanguage.ZH ? CHINESE : EncoderModel.MINILM_ID;
    }

    /** The embedding score of the explanation on the split's scoring windows, by the feature's encoder. */
    public EmbeddingScore score(FeatureId feature, Explanation explanation, RecordSplit split) {
        String id = encoderFor(feature, split);
        return new EmbeddingScorer(byId.apply(id), id).score(explanation, split);
    }
}
