package lantern.eval.audit;

/**
 * How the audit engine runs jobs on this process. Settings of the process, not of a job: they change its speed,
 * never its results, so a job resumed under other settings ends with the same results.
 *
 * @param threadsPerWorker native (libtorch) intra-op threads each worker's model calls use; null: the cores divided by
 *                         the job's workers, at least 1 ({@link #threadsPerWorker(int, int)}), so that workers × threads
 *                         never asks for more threads than there are cores
 * @param commitEvery      group commit: once this many finished features wait, one commit of their side effects
 *                         ({@link FeatureTask#commit()}, e.g. the index) and one fsync of progress.log makes them done
 *                         (features that finish during a commit join the next group); 1 commits each feature on its own
 * @param commitDelayMs    a finished feature waits at most about this long for its group's commit
 */
public record AuditSettings(Integer threadsPerWorker, int commitEvery, long commitDelayMs) {
    /** Every feature committed and logged on its own (how the engine worked before group commit). */
    public static final AuditSettings PER_FEATURE = new AuditSettings(null, 1, 0);
    /** The service's default: up to 32 features or 1 s a commit. */
    public static final AuditSettings DEFAULT = new AuditSettings(null, 32, 1000);

    public AuditSettings {
        if (threadsPerWorker != null && threadsPerWorker < 1) {
            throw new IllegalArgumentException("threads per audit worker must be at least 1, got " + threadsPerWorker);
        }
        if (commitEvery < 1) throw new IllegalArgumentException("commit-every must be at least 1 feature, got " + commitEvery);
        if (commitDelayMs < 0) throw new IllegalArgumentException("commit delay must not be negative, got " + commitDelayMs);
    }

    /** The default split: {@code cores / workers} threads each, at least 1 (so workers × threads ≤ cores while workers ≤ cores). */
    public static int threadsPerWorker(int cores, int workers) {
        return Math.max(1, Math.max(1, cores) / Math.max(1, workers));
    }

    /** The threads each of {@code workers} workers uses on {@code cores} cores: the setting, or the default split. */
    public int threadsFor(int workers, int cores) {
        return threadsPerWorker != null ? threadsPerWorker : threadsPerWorker(cores, workers);
    }

    public AuditSettings withThreadsPerWorker(Integer threads) {
        return new AuditSettings(threads, commitEvery, commitDelayMs);
    }
}
