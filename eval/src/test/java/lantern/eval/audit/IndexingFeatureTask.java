package lantern.eval.audit;

import lantern.api.audit.AuditRequest;
import lantern.index.FeatureIndex;
import lantern.index.IndexedExplanation;

import java.util.List;

/**
 * A real per-feature task for engine tests: derives an explanation and scores from the feature id (deterministic,
 * so an interrupted and an uninterrupted run must agree), indexes it into a Lucene {@link FeatureIndex}, commits,
 * and takes {@code delayMs} like slow work would. Every 13th feature is dead; {@code failEvery} features fail.
 */
final class IndexingFeatureTask implements FeatureTask {
    static final List<String> TOPICS = List.of("plural nouns", "past tense verbs", "closing brackets", "city names",
            "negations", "numbers", "sports words", "food words", "the start of a sentence", "modal verbs", "colors");
    private final FeatureIndex index;
    private final long delayMs;
    private final int failEvery;
    private final boolean groupCommit;

    IndexingFeatureTask(FeatureIndex index, long delayMs, int failEvery) {
        this(index, delayMs, failEvery, false);
    }

    /** @param groupCommit add to the index only, and commit in {@link #commit()} (as the service's task does) */
    IndexingFeatureTask(FeatureIndex index, long delayMs, int failEvery, boolean groupCommit) {
        this.index = index;
        this.delayMs = delayMs;
        this.failEvery = failEvery;
        this.groupCommit = groupCommit;
    }

    @Override
    public void commit() {
        if (groupCommit) index.commit();
    }

    @Override
    public FeatureResult run(AuditRequest request, String featureId) throws Exception {
        int n = Integer.parseInt(featureId.substring(featureId.lastIndexOf('/') + 1));
        int layer = Integer.parseInt(featureId.split("/")[1]);
        Thread.sleep(delayMs);
        if (failEvery > 0 && n % failEvery == failEvery - 1) throw new IllegalStateException("simulated explainer failure on " + featureId);
        boolean dead = n % 13 == 12;
        String text = "fires on " + TOPICS.get((n * 7 + layer) % TOPICS.size()) + " (variant " + n % 5 + ")";
        double score = ((n * 37 + layer * 11) % 100) / 100.0;
        double maxAct = dead ? 0 : 1 + (n % 9) * 0.5;
        Double causal = request.causal() && !dead ? ((n * 13 + layer) % 200) / 100.0 - 1 : null;
        long seq = index.add(IndexedExplanation.of(featureId, text, request.explainer(), score, null, null, causal,
                List.of("tok" + n % 4), null, 0L));
        if (!groupCommit) index.commitThrough(seq); // durable before the engine logs the feature
        return new FeatureResult(text, request.explainer(), score, null, null, causal, maxAct, List.of("tok" + n % 4));
    }
}
