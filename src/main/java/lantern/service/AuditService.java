package lantern.service;

import lantern.core.ExplanationService;
import lantern.core.LanternConfig;
import lantern.errors.UnavailableException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import lantern.eval.audit.AuditJobs;
import lantern.eval.audit.AuditSettings;
import lantern.api.audit.AuditRequest;
import lantern.api.audit.FeatureSpace;
import lantern.eval.audit.FeatureTask;
import lantern.eval.audit.LlmPrices;
import lantern.eval.audit.SpendGuard;

import java.util.List;

/**
 * The audit engine over {@code {dataDir}/audits}. The per-feature work is the application's {@link FeatureTask} bean
 * (collect, explain, score, index); without one, submitting fails with a clear message. {@link #resumeUnfinished()}
 * is called by {@code lantern serve} at start.
 */
@ApplicationScoped
public class AuditService {
    @Inject
    LanternConfig config;
    @Inject
    Instance<FeatureTask> tasks;
    @Inject
    FeatureSpace space;
    @Inject
    Instance<ExplanationService> explanations;
    @Inject
    lantern.service.access.RequestLimits limits;
    @Inject
    BudgetConfig budget;
    @Inject
    lantern.service.spark.SparkEngine engine;

    private volatile AuditJobs jobs;

    public AuditJobs jobs() {
        AuditJobs j = jobs;
        if (j == null) {
            synchronized (this) {
                if (jobs == null) {
                    LlmPrices prices = prices();
                    SpendGuard daily = budget.dailyMaxTokens().isPresent() || budget.dailyMaxCost().isPresent()
                            ? new DailySpend(config.dataDir().resolve("budget"), budget.dailyMaxTokens().orElse(null),
                            budget.dailyMaxCost().orElse(null), prices, java.time.Clock.systemUTC()) : null;
                    jobs = new AuditJobs(config.dataDir().resolve("audits"), space, new LazyTask(), prices, daily)
                            .settings(new AuditSettings(config.audit().threadsPerWorker().orElse(null),
                                    config.audit().commitEvery(), config.audit().commitDelayMs()));
                }
                j = jobs;
            }
        }
        return j;
    }

    public synchronized String submit(AuditRequest request) {
        limits.jobs(jobs().list().stream().filter(s -> !s.state().finished()).count());
        task(); // fail before persisting anything when no task is configured
        checkNames(request);
        if (engine.enabled()) engine.driver(); // the Spark driver starts (or the submission fails, saying why) now
        return jobs().submit(request);
    }

    /** Prices per 1k tokens when both are configured, else null (then budgets are in tokens only). */
    public LlmPrices prices() {
        if (budget.pricePer1kInputTokens().isEmpty() || budget.pricePer1kOutputTokens().isEmpty()) return null;
        return new LlmPrices(budget.pricePer1kInputTokens().get(), budget.pricePer1kOutputTokens().get());
    }

    /** Names the job will use are checked now, not discovered failing on every feature: explainer, simulator, LLM, model, layers, kind (SAE exists). */
    public void checkNames(AuditRequest request) {
        if (explanations.isResolvable()) explanations.get().checkUsable(request.explainer(), request.simulator());
        request.layersOf(space).forEach(l -> space.width(request.model(), l, request.kind()));
    }

    public List<String> resumeUnfinished() {
        if (!tasks.isResolvable()) return List.of();
        return jobs().resumeUnfinished();
    }

    /** The application's task, looked up when a job first needs it (so the engine starts without one). */
    private final class LazyTask implements FeatureTask {
        @Override
        public lantern.eval.audit.FeatureResult run(AuditRequest request, String featureId) throws Exception {
            return task().run(request, featureId);
        }

        @Override
        public void commit() throws Exception {
            task().commit();
        }

        @Override
        public void startWorker(int nativeThreads) {
            task().startWorker(nativeThreads);
        }

        @Override
        public java.util.Map<String, Object> learned() {
            return task().learned();
        }

        @Override
        public void restore(java.util.Map<String, Object> learned) {
            task().restore(learned);
        }
    }

    private FeatureTask task() {
        if (!tasks.isResolvable()) throw new UnavailableException("audits are not available: no FeatureTask is configured");
        return tasks.get();
    }

    @PreDestroy
    void close() {
        if (jobs != null) jobs.close();
    }
}
