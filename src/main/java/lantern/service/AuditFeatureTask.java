package lantern.service;

import lantern.core.ExplainFeature;
import lantern.core.ExplanationScores;
import lantern.core.ExplanationResult;
import lantern.core.ExplanationService;
import lantern.core.LanternConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import lantern.api.audit.AuditRequest;
import lantern.eval.audit.FeatureResult;
import lantern.eval.audit.FeatureTask;
import lantern.api.ActivationRecord;
import lantern.api.FeatureId;
import lantern.api.FeatureRecords;
import lantern.collect.StaleCollectionException;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An audit's work for one feature: make sure its records exist (collecting the layer over Brown when missing),
 * explain, score (with the causal check when the audit asks for it), index; {@link #commit()} commits the index for
 * a group of features before the engine logs them. Idempotent: a re-run replaces the feature's document in the index. With the Spark engine the explain-and-score step runs on an executor
 * ({@link lantern.service.spark.SparkAudits}); everything else, keeping the result included, stays here, once.
 */
@ApplicationScoped
public class AuditFeatureTask implements FeatureTask {
    private static final Logger LOG = Logger.getLogger(AuditFeatureTask.class);

    @Inject
    FeatureRecordsService records;
    @Inject
    CollectionService collections;
    @Inject
    ExplanationService explanations;
    @Inject
    SearchService search;
    @Inject
    CausalService causal;
    @Inject
    LanternConfig config;
    @Inject
    ExplainFeature explain;

    @Override
    public FeatureResult run(AuditRequest request, String featureId) {
        FeatureId id = records.validate(FeatureId.parse(featureId));
        FeatureRecords r;
        try {
            r = records.load(id).orElse(null);
        } catch (StaleCollectionException e) {
            // the SAE was retrained after its features were collected: collect them again below (ensureSae sees it)
            LOG.info(e.getMessage());
            r = null;
        }
        if (r == null) {
            long collectTokens = config.audit().collectTokens();
            LOG.infof("no current records for layer %d of %s: collecting %,d Brown tokens", id.layer(), id.model(), collectTokens);
            // the collection is one long pass the other workers wait for: it gets every core, the worker its share back after
            Integer share = WORKER_THREADS.get();
            if (share != null) lantern.subject.NativeThreads.set(Runtime.getRuntime().availableProcessors());
            try {
                if (id.isNeuron()) collections.ensureLayers(id.model(), request.layers(), collectTokens);
                else collections.ensureSae(id.model(), id.layer(), id.kind(), collectTokens);
            } finally {
                if (share != null) lantern.subject.NativeThreads.set(share);
            }
            r = records.require(id);
        }
        List<String> topTokens = topTokens(r, 8);
        if (r.stats().max() <= 0) {
            // A dead neuron: nothing to explain; it is reported, not indexed.
            return new FeatureResult("", request.explainer(), null, null, null, null, r.stats().max(), topTokens);
        }
        ExplanationResult e = indexUncommitted().explain(r, new ExplainFeature.Options(request.explainer(), request.simulator(),
                request.causal(), request.windows()));
        ExplanationScores s = e.scores();
        if (s.allSimulationsFailed()) {
            // the result is stored and indexed; the feature is still reported as failed, with the reason
            throw new IllegalStateException("every simulation window failed (" + s.nFailed() + "): "
                    + lantern.eval.score.FailureReasons.headline(s.simulationFailures()));
        }
        return new FeatureResult(e.text(), e.explainer(), s.simulation(), s.detection(), s.embedding(),
                s.causal() == null ? null : s.causal().score(), r.stats().max(), topTokens, s.simulator(),
                e.usage().calls() == 0 ? null : e.usage()).withJudges(s.fuzzing(), s.intruder()).withIntervals(s.auditIntervals())
                .withOutput(output(e.output()));
    }

    private volatile ExplainFeature indexUncommitted;

    /** The explain use case adding to the index without committing: {@link #commit()} commits a group of features. */
    private ExplainFeature indexUncommitted() {
        ExplainFeature x = indexUncommitted;
        if (x == null) indexUncommitted = x = explain.withIndexer(search::put);
        return x;
    }

    /** One index commit for every feature run so far (the engine logs them as done only after it). */
    @Override
    public void commit() {
        search.index().commit();
    }

    /** The libtorch threads the engine gave this worker thread (null on other threads). */
    private static final ThreadLocal<Integer> WORKER_THREADS = new ThreadLocal<>();

    /** libtorch threads for this worker's model calls (the engine splits the cores among the workers). */
    @Override
    public void startWorker(int nativeThreads) {
        lantern.subject.NativeThreads.set(nativeThreads);
        WORKER_THREADS.set(nativeThreads);
    }

    /** The output side as the audit keeps it beside the label (null for encoder features). */
    static FeatureResult.Output output(lantern.core.OutputSideScore o) {
        if (o == null) return null;
        List<String> promoted = o.candidates() == null ? List.of()
                : o.candidates().stream().map(lantern.core.OutputSideScore.Candidate::token).toList();
        return new FeatureResult.Output(o.score(), o.gain(), promoted, o.promotes(), o.reason());
    }

    /** The LLM server's capabilities learned so far (response format, log-probs, top_logprobs cap), for learned.json. */
    @Override
    public java.util.Map<String, Object> learned() {
        return explanations.llmCapabilities().map(c -> java.util.Map.<String, Object>of("llm", c.snapshot())).orElse(java.util.Map.of());
    }

    @Override
    @SuppressWarnings("unchecked")
    public void restore(java.util.Map<String, Object> learned) {
        if (learned != null && learned.get("llm") instanceof java.util.Map<?, ?> m) {
            explanations.llmCapabilities().ifPresent(c -> c.restore((java.util.Map<String, ?>) m));
        }
    }

    /** The tokens at the max of the strongest windows, distinct, strongest first. */
    public static List<String> topTokens(FeatureRecords r, int limit) {
        return ExplainFeature.topTokens(r, limit);
    }
}
