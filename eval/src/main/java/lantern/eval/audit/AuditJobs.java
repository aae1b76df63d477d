package lantern.eval.audit;

import lantern.errors.UnavailableException;

import lantern.errors.NotFoundException;

import lantern.errors.BadRequestException;

import lantern.errors.ConflictException;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs batch audits crash-safely. Each job lives in {@code {auditsDir}/{id}/}: {@code job.json} (request, state,
 * totals; replaced atomically), {@code features.txt} (the resolved feature ids, fixed at submission) and
 * {@code progress.log} (one fsync'd JSON line per finished feature). After a crash or a restart,
 * {@link #resumeUnfinished()} picks up every queued or running job and skips the features already in its log.
 */
public final class AuditJobs implements Closeable {
    private static final System.Logger LOG = System.getLogger(AuditJobs.class.getName());

    private final Path auditsDir;
    private final FeatureSpace space;
    private final FeatureTask task;
    private final LlmPrices prices;
    private final SpendGuard guard;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public AuditJobs(Path auditsDir, FeatureSpace space, FeatureTask task) {
        this(auditsDir, space, task, null, null);
    }

    /**
     * @param prices prices per 1k tokens, for budgets in money and costs in status and report; null when unknown
     * @param guard  a service-wide cap asked before each feature; null for none
     */
    public AuditJobs(Path auditsDir, FeatureSpace space, FeatureTask task, LlmPrices prices, SpendGuard guard) {
        this.auditsDir = auditsDir;
        this.space = space;
        this.task = task;
        this.prices = prices;
        this.guard = guard;
        try {
            Files.createDirectories(auditsDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + auditsDir, e);
        }
        loadExisting();
    }

    private void loadExisting() {
        try (Stream<Path> dirs = Files.list(auditsDir)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                String id = d.getFileName().toString();
                if (!JobFiles.ID.matcher(id).matches()) continue;
                JobFiles files = new JobFiles(auditsDir, id);
                if (!Files.exists(files.jobJson())) continue; // a submission that crashed half-way
                try {
                    Job job = new Job(files, files.readRecord());
                    job.countLog();
                    jobs.put(id, job);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "skipping unreadable audit " + id + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + auditsDir, e);
        }
    }

    /** Validates and resolves the request, persists the job and starts it. Returns the job id. */
    public String submit(AuditRequest request) {
        if (closed) throw new UnavailableException("audit engine is shut down");
        if (request.budget().maxCost() != null && prices == null) {
            throw new BadRequestException("budget.maxCost needs prices: set lantern.budget.price-per-1k-input-tokens and "
                    + "lantern.budget.price-per-1k-output-tokens (or cap tokens with budget.maxTokens)");
        }
        List<String> features = request.resolve(space);
        if (features.isEmpty()) throw new BadRequestException("the request selects no features");
        String id = newId();
        JobFiles files = new JobFiles(auditsDir, id);
        files.writeFeatures(features); // before job.json: a job that exists always has its feature list
        JobRecord record = new JobRecord(id, request.toJson(), JobState.QUEUED, features.size(),
                System.currentTimeMillis(), null, null, null);
        files.writeRecord(record);
        Job job = new Job(files, record);
        jobs.put(id, job);
        job.start();
        return id;
    }

    /** Restarts every job left queued or running by a previous process. Returns their ids. */
    public List<String> resumeUnfinished() {
        List<String> resumed = new ArrayList<>();
        for (Job job : jobs.values()) {
            if (!job.record.state().finished() && job.runner == null) {
                job.start();
                resumed.add(job.record.id());
            }
        }
        return resumed;
    }

    /**
     * Resumes an audit stopped at its budget with a new (higher) one; what it has done is kept and not redone.
     * Only a {@code budget-exhausted} audit resumes this way (409 otherwise).
     */
    public AuditStatus resume(String id, AuditBudget budget) {
        Job job = job(id);
        synchronized (job) {
            if (job.record.state() != JobState.BUDGET_EXHAUSTED) {
                throw new ConflictException("audit " + id + " is " + job.record.state().json() + "; only a budget-exhausted audit resumes with a new budget");
            }
            if (budget.maxCost() != null && prices == null) {
                throw new BadRequestException("budget.maxCost needs prices: set lantern.budget.price-per-1k-input-tokens and lantern.budget.price-per-1k-output-tokens");
            }
            AuditSpend spent = job.spend(job.record.auditRequest());
            if (budget.maxTokens() != null && budget.maxTokens() <= spent.tokens()) {
                throw new BadRequestException("the audit has spent " + spent.tokens() + " tokens; budget.maxTokens must be above that");
            }
            if (budget.maxCost() != null && spent.cost() != null && budget.maxCost() <= spent.cost()) {
                throw new BadRequestException("the audit has spent " + spent.cost() + "; budget.maxCost must be above that");
            }
            com.fasterxml.jackson.databind.node.ObjectNode req = job.record.request().deepCopy();
            req.remove("budget");
            AuditRequest old = AuditRequest.fromJson(req);
            AuditRequest updated = new AuditRequest(old.model(), old.layers(), old.kind(), old.features(), old.explainer(),
                    old.simulator(), old.concurrency(), old.watchedConcepts(), old.causal(), budget).withWindows(old.windows());
            job.files.writeRecord(job.record.withRequest(updated.toJson(), JobState.QUEUED));
            job.record = job.files.readRecord();
            job.exhausted = null;
            job.start();
        }
        return job.status();
    }

    public AuditStatus status(String id) {
        return job(id).status();
    }

    /** Every job, newest first. */
    public List<AuditStatus> list() {
        return jobs.values().stream().sorted(Comparator.comparingLong((Job j) -> j.record.createdAt()).reversed())
                .map(Job::status).toList();
    }

    /**
     * Stops a job: no new feature starts; those running finish and are logged (threads are not interrupted: an
     * interrupt inside Lucene or a file channel would close it under the other workers). The state becomes cancelled.
     */
    public AuditStatus cancel(String id) {
        Job job = job(id);
        job.cancel();
        return job.status();
    }

    /** The job's request and every logged entry (for reports). */
    public AuditResults results(String id) {
        Job job = job(id);
        return new AuditResults(job.status(), job.record.auditRequest(), ProgressLog.read(job.files.progressLog()));
    }

    /** Registers a listener for a job's events; close the handle to stop listening. */
    public AutoCloseable listen(String id, Consumer<AuditEvent> listener) {
        Job job = job(id);
        job.listeners.add(listener);
        return () -> job.listeners.remove(listener);
    }

    /** Waits until the job is finished (done, failed or cancelled). Returns false on timeout. */
    public boolean awaitFinished(String id, Duration timeout) throws InterruptedException {
        Job job = job(id);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (job) {
            while (!job.record.state().finished()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                TimeUnit.NANOSECONDS.timedWait(job, left);
            }
        }
        return true;
    }

    private Job job(String id) {
        if (id == null || !JobFiles.ID.matcher(id).matches()) throw new BadRequestException("bad audit id: " + id);
        Job job = jobs.get(id);
        if (job == null) throw new NotFoundException("no audit " + id);
        return job;
    }

    private static long nz(Long v) {
        return v == null ? 0 : v;
    }

    private static String newId() {
        byte[] b = new byte[4];
        ThreadLocalRandom.current().nextBytes(b);
        return "a" + Long.toString(System.currentTimeMillis(), 36) + "-" + HexFormat.of().formatHex(b);
    }

    /** Stops running jobs without changing their persisted state, so the next start resumes them. */
    @Override
    public void close() {
        closed = true;
        for (Job job : jobs.values()) job.stop();
        for (Job job : jobs.values()) {
            Thread t = job.runner;
            if (t != null) {
                try {
                    t.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** One job's in-memory state; the files stay the truth. */
    private final class Job {
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

        Job(JobFiles files, JobRecord record) {
            this.files = files;
            this.record = record;
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
}
