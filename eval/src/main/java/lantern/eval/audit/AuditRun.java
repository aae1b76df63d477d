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
 * One audit job's in-memory state and its run: workers take features in order, run the task, append each result to
 * progress.log and stop at a cancel, a shutdown or a budget; the files stay the truth.
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

    AuditRun(JobFiles files, JobRecord record, FeatureTask task, LlmPrices prices, SpendGuard guard) {
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
        int finished = done.get() + failed.get();
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
        AtomicInteger next = new AtomicInteger();
        List<RuntimeException> fatal = new CopyOnWriteArrayList<>();
        ExecutorService workers = Executors.newFixedThreadPool(request.concurrency(),
                Thread.ofPlatform().name("audit-" + record.id() + "-", 0).factory());
        for (int w = 0; w < request.concurrency(); w++) {
            workers.execute(() -> {
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
                    try {
                        log.append(entry);
                    } catch (RuntimeException e) {
                        inFlight.decrementAndGet();
                        fatal.add(e);
                        return;
                    }
                    if (entry.ok()) {
                        addSpend(entry.result());
                        if (guard != null) guard.spent(nz(entry.result().inputTokens()), nz(entry.result().outputTokens()));
                    }
                    (entry.ok() ? done : failed).incrementAndGet();
                    inFlight.decrementAndGet();
                    processedSinceResume.incrementAndGet();
                    keepLearned();
                    fire(new AuditEvent("feature", feature, entry.ok(), status()));
                }
            });
        }
        workers.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                // workers stop by themselves after their current feature once cancelled or stopped
                if (workers.awaitTermination(1, TimeUnit.SECONDS)) break;
            } catch (InterruptedException e) {
                interrupted = true;
                stopRequested = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (!fatal.isEmpty()) throw fatal.getFirst();
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
