package lantern.eval.audit;

import lantern.api.audit.AuditStatus;
import lantern.api.audit.AuditSpend;
import lantern.api.audit.AuditBudget;
import lantern.api.audit.JobState;
import lantern.api.audit.AuditRequest;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One audit job's in-memory state and its run: workers take features in order, run the task, and stop at a cancel, a
 * shutdown or a budget; finished features are committed in groups ({@link AuditSettings}: the task's
 * {@link FeatureTask#commit()}, then one fsync'd append of the group to progress.log) and only then counted done, so
 * what the status reports done survives a crash; the files stay the truth.
 */
final class AuditRun {
    private static final System.Logger LOG = System.getLogger(AuditRun.class.getName());

    private final FeatureTask task;
    private final LlmPrices prices;
    private final SpendGuard guard;
    final JobFiles files;
    volatile JobRecord record;
    final List<Consumer<AuditEvent>> listeners = new CopyOnWriteArrayList<>();
    final AtomicInteger done = new AtomicInteger(), failed = new AtomicInteger();
    volatile boolean cancelRequested, stopRequested;
    /** Why the job stopped at a budget; null while within it. */
    volatile String exhausted;
    final java.util.concurrent.atomic.AtomicLong spentIn = new java.util.concurrent.atomic.AtomicLong(),
            spentOut = new java.util.concurrent.atomic.AtomicLong();
    final AtomicInteger inFlight = new AtomicInteger();
    volatile Thread runner;
    volatile long resumedAtNanos;
    final AtomicInteger processedSinceResume = new AtomicInteger();

    private final java.util.function.Supplier<AuditSettings> settings;
    /** Finished features not yet committed and logged (guarded by itself), and since when the oldest waits. */
    private final List<ProgressEntry> pending = new java.util.ArrayList<>();
    private long pendingSinceNanos;
    /** Features finished but not yet counted in done/failed (pending or being committed). */
    final AtomicInteger unlogged = new AtomicInteger();
    /** One group commit at a time; features keep finishing into {@link #pending} meanwhile. */
    private final Object commitLock = new Object();

    AuditRun(JobFiles files, JobRecord record, FeatureTask task, LlmPrices prices, SpendGuard guard) {
        this(files, record, task, prices, guard, () -> AuditSettings.PER_FEATURE);
    }

    AuditRun(JobFiles files, JobRecord record, FeatureTask task, LlmPrices prices, SpendGuard guard,
             java.util.function.Supplier<AuditSettings> settings) {
        this.settings = settings;
        this.files = files;
        this.record = record;
        this.task = task;
        this.prices = prices;
        this.guard = guard;
    }

    private static long nz(Long v) {
        return v == null ? 0 : v;
    }

    void countLog() {
        unlogged.set(0);
        done.set(0);
        failed.set(0);
        spentIn.set(0);
        spentOut.set(0);
        for (ProgressEntry e : ProgressLog.read(files.progressLog())) {
            (e.ok() ? done : failed).incrementAndGet();
            if (e.ok()) addSpend(e.result());
        }
    }

    void addSpend(FeatureResult r) {
        if (r.inputTokens() != null) spentIn.addAndGet(r.inputTokens());
        if (r.outputTokens() != null) spentOut.addAndGet(r.outputTokens());
    }

    AuditSpend spend(AuditRequest request) {
        long in = spentIn.get(), out = spentOut.get();
        return new AuditSpend(in, out, prices == null ? null : prices.cost(in, out), request.budget());
    }

    /**
     * Why the next feature may not start, or null. A feature starts only while what was spent plus the expected
     * spend of the features running and of itself (the mean per finished feature so far) stays within the cap.
     */
    private String budgetRefusal(AuditRequest request) {
        if (guard != null && isLlm(request)) {
            String g = guard.refusal();
            if (g != null) return g;
        }
        AuditBudget b = request.budget();
        if (!b.limited()) return null;
        int finished = done.get() + failed.get() + unlogged.get();
        int expected = inFlight.get() + 1;
        long in = spentIn.get(), out = spentOut.get();
        if (b.maxTokens() != null) {
            long tokens = in + out;
            double mean = finished == 0 ? 0 : (double) tokens / finished;
            if (tokens >= b.maxTokens() || tokens + expected * mean > b.maxTokens()) {
                return "token budget reached: " + tokens + " of " + b.maxTokens() + " tokens spent; resume with a higher budget.maxTokens";
            }
        }
        if (b.maxCost() != null && prices != null) {
            double cost = prices.cost(in, out);
            double mean = finished == 0 ? 0 : cost / finished;
            if (cost >= b.maxCost() || cost + expected * mean > b.maxCost()) {
                return "cost budget reached: " + String.format(java.util.Locale.ROOT, "%.4f", cost) + " of " + b.maxCost()
                        + " spent; resume with a higher budget.maxCost";
            }
        }
        return null;
    }

    private static boolean isLlm(AuditRequest r) {
        return r.explainer().startsWith("llm") || r.simulator().startsWith("llm");
    }

    synchronized void start() {
        runner = Thread.ofPlatform().name("audit-" + record.id()).start(this::run);
    }

    void run() {
        AuditRequest request;
        List<String> remaining;
        try (ProgressLog log = ProgressLog.openForAppend(files.progressLog())) {
            request = record.auditRequest();
            List<ProgressEntry> logged = ProgressLog.read(files.progressLog());
            Set<String> finished = new HashSet<>();
            for (ProgressEntry e : logged) finished.add(e.feature());
            countLog();
            remaining = files.readFeatures().stream().filter(f -> !finished.contains(f)).toList();
            if (cancelRequested) {
                finish(JobState.CANCELLED, null);
                return;
            }
            long now = System.currentTimeMillis();
            setRecord(record.with(JobState.RUNNING, record.startedAt() == null ? now : record.startedAt(), null, null));
            resumedAtNanos = System.nanoTime();
            processedSinceResume.set(0);
            task.restore(files.readLearned());
            work(request, remaining, log);
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "audit " + record.id() + " failed", e);
            finish(JobState.FAILED, String.valueOf(e.getMessage()));
            return;
        }
        if (cancelRequested) finish(JobState.CANCELLED, null);
        else if (exhausted != null) finish(JobState.BUDGET_EXHAUSTED, exhausted);
        else if (!stopRequested) finish(JobState.DONE, null);
        // stopped by shutdown: stays running on disk and resumes next time
    }

    private void work(AuditRequest request, List<String> remaining, ProgressLog log) {
        AuditSettings st = settings.get();
        int threads = st.threadsFor(request.concurrency(), Runtime.getRuntime().availableProcessors());
        AtomicInteger next = new AtomicInteger();
        List<RuntimeException> fatal = new CopyOnWriteArrayList<>();
        ExecutorService workers = Executors.newFixedThreadPool(request.concurrency(),
                Thread.ofPlatform().name("audit-" + record.id() + "-", 0).factory());
        for (int w = 0; w < request.concurrency(); w++) {
            workers.execute(() -> {
                try {
                    task.startWorker(threads);
                } catch (RuntimeException | LinkageError e) {
                    LOG.log(System.Logger.Level.WARNING, "audit " + record.id() + ": cannot set " + threads
                            + " native threads for a worker: " + e.getMessage());
                }
                while (!cancelRequested && !stopRequested && fatal.isEmpty() && exhausted == null) {
                    int i;
                    synchronized (this) { // the budget check and taking a feature are one step
                        if (next.get() >= remaining.size()) return;
                        String why = budgetRefusal(request);
                        if (why != null) {
                            exhausted = why;
                            return;
                        }
                        i = next.getAndIncrement();
                        inFlight.incrementAndGet();
                    }
                    String feature = remaining.get(i);
                    ProgressEntry entry;
                    try {
                        FeatureResult r = task.run(request, feature);
                        if (r == null) throw new IllegalStateException("feature task returned no result");
                        entry = ProgressEntry.success(feature, r, System.currentTimeMillis());
                    } catch (Exception | LinkageError | AssertionError e) {
                        if (stopRequested) {
                            // failed while the service shut down (its models closed under the feature): not the
                            // feature's failure; left unlogged, so the resumed job runs it again (tasks are idempotent)
                            inFlight.decrementAndGet();
                            return;
                        }
                        entry = ProgressEntry.failure(feature, e.getClass().getSimpleName() + ": " + e.getMessage(),
                                System.currentTimeMillis());
                    }
                    if (entry.ok()) { // spent whether or not the feature is logged yet
                        addSpend(entry.result());
                        if (guard != null) guard.spent(nz(entry.result().inputTokens()), nz(entry.result().outputTokens()));
                    }
                    boolean due;
                    synchronized (pending) {
                        if (pending.isEmpty()) pendingSinceNanos = System.nanoTime();
                        pending.add(entry);
                        unlogged.incrementAndGet();
                        inFlight.decrementAndGet();
                        due = pending.size() >= st.commitEvery();
                    }
                    if ((due || overdue(st)) && !commit(log, fatal)) return;
                }
            });
        }
        workers.shutdown();
        boolean interrupted = false;
        long pollMs = Math.max(20, Math.min(1000, st.commitDelayMs() / 4));
        while (true) {
            try {
                // workers stop by themselves after their current feature once cancelled or stopped
                if (workers.awaitTermination(pollMs, TimeUnit.MILLISECONDS)) break;
            } catch (InterruptedException e) {
                interrupted = true;
                stopRequested = true;
            }
            if (fatal.isEmpty() && overdue(st)) commit(log, fatal); // a lone slow feature is not held back by the group
        }
        if (fatal.isEmpty()) commit(log, fatal); // what finished before the end, a cancel, a budget stop or a shutdown
        if (interrupted) Thread.currentThread().interrupt();
        if (!fatal.isEmpty()) throw fatal.getFirst();
    }

    /**
     * {@link #commitPending}; false when it failed. A failure fails the job, except while the service shuts down (the
     * index may close under the commit): then the group stays unlogged, like a crash, and the resumed job runs it again.
     */
    private boolean commit(ProgressLog log, List<RuntimeException> fatal) {
        try {
            commitPending(log);
            return true;
        } catch (RuntimeException e) {
            if (stopRequested) {
                LOG.log(System.Logger.Level.WARNING, "audit " + record.id() + ": the last finished features were not "
                        + "committed at shutdown (" + e.getMessage() + "); they run again when it resumes");
            } else {
                fatal.add(e);
            }
            return false;
        }
    }

    /** Whether the oldest finished feature has waited its commit delay. */
    private boolean overdue(AuditSettings st) {
        synchronized (pending) {
            return !pending.isEmpty() && System.nanoTime() - pendingSinceNanos >= st.commitDelayMs() * 1_000_000L;
        }
    }

    /**
     * Group commit: makes the task's side effects of every feature finished so far durable ({@link FeatureTask#commit()}),
     * appends their entries to progress.log with one fsync, and only then counts them done and tells listeners. A crash
     * before the append loses them from the log, and the resumed job runs them again.
     */
    private void commitPending(ProgressLog log) {
        synchronized (commitLock) {
            List<ProgressEntry> group;
            synchronized (pending) {
                if (pending.isEmpty()) return;
                group = List.copyOf(pending);
                pending.clear();
            }
            // on a failure none of the group is logged: the job fails, and resumed, runs them again
            try {
                task.commit();
            } catch (Exception e) {
                unlogged.addAndGet(-group.size());
                throw new IllegalStateException("cannot commit the audit's results: " + e.getMessage(), e);
            }
            try {
                log.appendAll(group);
            } catch (RuntimeException e) {
                unlogged.addAndGet(-group.size());
                throw e;
            }
            for (ProgressEntry entry : group) {
                (entry.ok() ? done : failed).incrementAndGet();
                unlogged.decrementAndGet();
                processedSinceResume.incrementAndGet();
            }
            keepLearned();
            for (ProgressEntry entry : group) fire(new AuditEvent("feature", entry.feature(), entry.ok(), status()));
        }
    }

    private Map<String, Object> lastLearned;

    /** Writes learned.json when what the task learned changed (rarely: once per thing learned). */
    private synchronized void keepLearned() {
        try {
            Map<String, Object> now = task.learned();
            if (now == null || now.isEmpty() || now.equals(lastLearned)) return;
            files.writeLearned(now);
            lastLearned = now;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "audit " + record.id() + ": cannot keep learned.json: " + e.getMessage());
        }
    }

    void cancel() {
        synchronized (this) {
            if (record.state().finished()) return;
            cancelRequested = true;
            if (runner == null) finish(JobState.CANCELLED, null); // never started in this process
        }
    }

    void stop() {
        stopRequested = true;
    }

    private void finish(JobState state, String error) {
        setRecord(record.with(state, record.startedAt(), System.currentTimeMillis(), error));
    }

    private void setRecord(JobRecord r) {
        synchronized (this) {
            try {
                files.writeRecord(r);
            } catch (RuntimeException e) {
                if (!r.state().finished()) throw e;
                // e.g. the disk is full: the API still shows how the job ended; on disk it stays unfinished and
                // resumes at the next start, losing nothing
                LOG.log(System.Logger.Level.ERROR, "audit " + r.id() + ": cannot record its end state "
                        + r.state().json() + " in job.json (" + e.getMessage() + "); it resumes at the next start");
            }
            record = r;
            notifyAll();
        }
        fire(new AuditEvent("state", null, null, status()));
    }

    private void fire(AuditEvent event) {
        for (Consumer<AuditEvent> l : listeners) {
            try {
                l.accept(event);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "audit listener failed: " + e.getMessage());
            }
        }
    }

    AuditStatus status() {
        JobRecord r = record;
        int d = done.get(), f = failed.get();
        Long eta = null;
        int processed = processedSinceResume.get();
        if (r.state() == JobState.RUNNING && processed > 0) {
            double perFeature = (System.nanoTime() - resumedAtNanos) / 1e9 / processed;
            eta = Math.round(perFeature * Math.max(0, r.total() - d - f));
        }
        return new AuditStatus(r.id(), r.state(), d, f, r.total(),
                r.startedAt() == null ? null : Instant.ofEpochMilli(r.startedAt()).toString(), eta, r.error(),
                spend(r.auditRequest()));
    }
}
