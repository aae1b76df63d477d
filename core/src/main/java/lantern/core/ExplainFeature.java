package lantern.core;

import lantern.api.causal.CausalScore;
import lantern.api.ActivationRecord;
import lantern.api.FeatureRecords;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Explaining one feature, the use case every front end calls (the REST call, {@code lantern explain}, an audit's
 * feature task, on this process or on Spark): the caller has resolved the feature's records; this explains them,
 * scores the explanation on held-out windows, runs the causal check when asked (those three on the {@link Engine}:
 * this JVM, or a Spark executor), keeps the result in the feature's history and indexes it for search.
 *
 * <p>The engine is the only thing that differs between a local run and a Spark run; what is kept and indexed is made
 * here, once, so the three front ends store the same explanation and the same index document.
 */
public final class ExplainFeature {
    /** How many distinct top tokens an index document lists (the strongest windows' argmax tokens). */
    public static final int TOP_TOKENS = 8;

    /**
     * What to run.
     *
     * @param explainer "statistical" or "llm" (null: statistical)
     * @param simulator "statistical", "llm-json", "llm-logprob" (null: the explainer's partner)
     * @param causal    run the feature's causal check and keep it beside the scores
     * @param windows   held-out windows to score on (null: the service's default split)
     */
    public record Options(String explainer, String simulator, boolean causal, Integer windows) {
    }

    /** Where explain, score and causal check run; answers the scored explanation, not yet kept. */
    @FunctionalInterface
    public interface Engine {
        ExplanationResult explainUnstored(FeatureRecords records, Options options);
    }

    /** Makes a kept explanation searchable (committed before {@link #explain} returns, unless the caller commits itself). */
    @FunctionalInterface
    public interface Indexer {
        /** Indexes nothing (a caller that asked not to index). */
        Indexer NONE = (e, topTokens) -> {
        };

        void index(ExplanationResult explanation, List<String> topTokens);
    }

    private final ExplanationService explanations;
    private final Engine engine;
    private final Indexer indexer;

    public ExplainFeature(ExplanationService explanations, Engine engine, Indexer indexer) {
        this.explanations = Objects.requireNonNull(explanations);
        this.engine = Objects.requireNonNull(engine);
        this.indexer = indexer == null ? Indexer.NONE : indexer;
    }

    /**
     * The same use case indexing with {@code indexer} instead (e.g. an audit that adds to the index here and commits
     * groups of features itself).
     */
    public ExplainFeature withIndexer(Indexer indexer) {
        return new ExplainFeature(explanations, engine, indexer);
    }

    /**
     * This JVM as the engine: the explanation service explains and scores, {@code causal} (null: none here, e.g. a
     * model without a causal check) runs the causal check when the options ask for it.
     */
    public static Engine local(ExplanationService explanations, Function<FeatureRecords, CausalScore> causal) {
        return (records, o) -> explanations.explainUnstored(records, o.explainer(), o.simulator(),
                o.causal() ? causal : null, o.windows());
    }

    /** explain → score → causal (on the engine) → keep → index. */
    public ExplanationResult explain(FeatureRecords records, Options options) {
        ExplanationResult e = engine.explainUnstored(records, options);
        explanations.keep(records.id(), e);
        indexer.index(e, topTokens(records, TOP_TOKENS));
        return e;
    }

    /** The tokens at the max of the strongest windows, distinct, strongest first. */
    public static List<String> topTokens(FeatureRecords r, int limit) {
        Set<String> out = new LinkedHashSet<>();
        for (ActivationRecord w : r.top()) {
            if (out.size() >= limit) break;
            out.add(w.tokens().get(w.argMax()));
        }
        return new ArrayList<>(out);
    }
}
