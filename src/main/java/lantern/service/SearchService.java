package lantern.service;

import lantern.core.ExplanationScores;
import lantern.core.ExplanationResult;
import lantern.core.LanternConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import lantern.index.FeatureIndex;
import lantern.index.IndexedExplanation;
import lantern.index.Intervals;
import lantern.index.SearchQuery;
import lantern.index.SearchResult;

import java.util.List;

/**
 * Holds the feature index at {@code {dataDir}/index} (opened on first use, for writing) and embeds queries and
 * explanations with MiniLM. Index an explanation with {@link #put}, then {@link FeatureIndex#commitThrough} its
 * sequence number (or {@link FeatureIndex#commit()}) to make it durable.
 */
@ApplicationScoped
public class SearchService {
    @Inject
    LanternConfig config;
    @Inject
    ModelRegistry models;
    @Inject
    VocabService vocab;

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(SearchService.class);

    private volatile FeatureIndex index;

    public FeatureIndex index() {
        FeatureIndex i = index;
        if (i == null) {
            synchronized (this) {
                if (index == null) index = FeatureIndex.open(config.dataDir().resolve("index"), config.index().vectorFormat(),
                                config.index().hnswM(), config.index().hnswBeamWidth())
                        .withQuantizedOversample(config.index().knnOversample()).withOptimisticKnn(config.index().knnOptimistic())
                        .withChineseEmbedder(this::embedChinese);
                i = index;
                lantern.index.PageCacheFit.ofThisMachine(i.storage().bytesOnDisk()).warning().ifPresent(LOG::warn);
            }
        }
        return i;
    }

    /** The query's MiniLM embedding; null for browsing. */
    public SearchResult search(SearchQuery q) {
        return index().search(q, q.browsing() ? null : embed(q.text()));
    }

    public float[] embed(String text) {
        return models.embedder().embed(text);
    }

    /**
     * The bge-small-zh embedding of a label or query for the Chinese kNN: for a text with Chinese in it, and for any
     * text once bge-small-zh is loaded (so English labels and queries meet Chinese ones); null otherwise, so an
     * English-only index never loads it.
     */
    public float[] embedChinese(String text) {
        boolean chinese = text != null && text.codePoints().anyMatch(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN);
        if (text == null || text.isBlank() || !(chinese || models.loaded().isLoaded(CHINESE_EMBEDDER))) return null;
        return ((lantern.subject.SentenceEmbedder) models.get(CHINESE_EMBEDDER)).embed(text);
    }

    static final String CHINESE_EMBEDDER = "bge-small-zh";

    /** Embeds and indexes one explanation (replacing the same feature and explainer). Not durable until committed. */
    public long put(String featureId, String text, String explainer, Double simulation, Double detection,
                    Double embeddingScore, Double causal, List<String> topTokens) {
        return index().add(IndexedExplanation.of(featureId, text, explainer, simulation, detection, embeddingScore,
                causal, topTokens, embed(text), System.currentTimeMillis()));
    }

    /**
     * Indexes a stored explanation with all its scores and their intervals (the causal one when it was measured) and,
     * for decoders, the tokens the feature promotes (so "promotes the token 'the'" finds it).
     */
    public long put(ExplanationResult e, List<String> topTokens) {
        return index().add(indexed(e, topTokens, embed(e.text()), System.currentTimeMillis())
                .withPromotes(vocab.promotedWords(e.feature())));
    }

    /** {@link #put(ExplanationResult, List)} and a commit through it: the explanation is searchable and durable. */
    public void indexAndCommit(ExplanationResult e, List<String> topTokens) {
        index().commitThrough(put(e, topTokens));
    }

    /** A stored explanation as the index holds it: every score with its 95% interval. */
    public static IndexedExplanation indexed(ExplanationResult e, List<String> topTokens, float[] embedding, long createdAt) {
        ExplanationScores s = e.scores();
        Double causal = s.causal() == null ? null : s.causal().score();
        return IndexedExplanation.of(e.feature(), e.text(), e.explainer(), s.simulation(), s.detection(),
                s.embedding(), causal, topTokens, embedding, createdAt).withIntervals(intervals(s));
    }

    /** The scores' intervals as the index keeps them (a score without a value keeps none). */
    static Intervals intervals(ExplanationScores s) {
        ExplanationScores.Intervals i = s.intervals();
        return new Intervals(bounds(s.simulation(), i.simulation()), bounds(s.detection(), i.detection()),
                bounds(s.embedding(), i.embedding()), s.causal() == null ? null : bounds(s.causal().score(), s.causal().ci()));
    }

    private static Intervals.Bounds bounds(Double value, ExplanationScores.Ci ci) {
        return value == null || ci == null ? null : Intervals.Bounds.of(ci.lo(), ci.hi(), ci.n());
    }

    @PreDestroy
    void close() {
        if (index != null) index.close();
    }
}
