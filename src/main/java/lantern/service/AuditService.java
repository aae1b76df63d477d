package lantern.service;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import lantern.eval.audit.AuditJobs;
import lantern.eval.audit.AuditRequest;
import lantern.eval.audit.FeatureSpace;
import lantern.eval.audit.FeatureTask;

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

    private volatile AuditJobs jobs;

    public AuditJobs jobs() {
        AuditJobs j = jobs;
        if (j == null) {
            synchronized (this) {
                if (jobs == null) {
                    jobs = new AuditJobs(config.dataDir().resolve("audits"), space, (r, f) -> task().run(r, f));
                }
                j = jobs;
            }
        }
        return j;
    }

    public String submit(AuditRequest request) {
        task(); // fail before persisting anything when no task is configured
        return jobs().submit(request);
    }

    public List<String> resumeUnfinished() {
        if (!tasks.isResolvable()) return List.of();
        return jobs().resumeUnfinished();
    }

    private FeatureTask task() {
        if (!tasks.isResolvable()) throw new IllegalStateException("audits are not available: no FeatureTask is configured");
        return tasks.get();
    }

    @PreDestroy
    void close() {
        if (jobs != null) jobs.close();
    }
}
