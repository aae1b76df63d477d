package lantern.eval.audit;

import lantern.api.audit.AuditRequest;
/**
 * The work an audit does for one feature (collect records, explain, score, index). Plugged in by the service.
 *
 * <p>Contract: make any side effects durable before returning (e.g. commit the index) or in {@link #commit()}, and be
 * idempotent — after a crash the engine re-runs features whose result it had not logged yet. Throw to record the
 * feature as failed; the job goes on. Called from {@code concurrency} threads at once.
 */
@FunctionalInterface
public interface FeatureTask {
    FeatureResult run(AuditRequest request, String featureId) throws Exception;

    /**
     * What the task learned about the services it calls that a resumed job should start from (e.g. which
     * response format the LLM server accepts); kept in the job folder as learned.json. Plain JSON values only.
     */
    default java.util.Map<String, Object> learned() {
        return java.util.Map.of();
    }

    /**
     * Makes durable the side effects of every {@link #run} that has returned so far (e.g. one index commit for a
     * group of features). The engine calls it before it logs a group of finished features, so no feature is logged,
     * or counted done, before its side effects would survive a crash; throwing fails the job, and the group's
     * features run again when it resumes. A task whose runs are durable when they return keeps this no-op.
     */
    default void commit() throws Exception {
    }

    /**
     * Called on each worker thread before its first feature with the native (libtorch) intra-op threads that
     * worker's model calls should use ({@link AuditSettings#threadsFor}).
     */
    default void startWorker(int nativeThreads) {
    }

    /** Takes back what {@link #learned()} returned when the job last ran (called before the job's first feature). */
    default void restore(java.util.Map<String, Object> learned) {
    }
}
