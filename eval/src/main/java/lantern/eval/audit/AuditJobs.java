package lantern.eval.audit;

import lantern.api.audit.AuditSpend;
import lantern.api.audit.AuditBudget;
import lantern.api.audit.JobState;
import lantern.api.audit.AuditStatus;
import lantern.api.audit.AuditRequest;
import lantern.api.audit.FeatureSpace;
import lantern.errors.UnavailableException;

import lantern.errors.NotFoundException;

import lantern.errors.InvalidInputException;

import lantern.errors.ConflictException;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs batch audits crash-safely. Each job lives in {@code {auditsDir}/{id}/}: {@code job.json} (request, state,
 * totals; replaced atomically), {@code features.txt} (the resolved feature ids, fixed at submission) and
 * {@code progress.log} (one JSON line per finished feature, fsync'd in groups after the task's side effects are
 * committed: {@link AuditSettings}). After a crash or a restart,
 * {@link #resumeUnfinished()} picks up every queued or running job and skips the features already in its log.
 */
public final class AuditJobs implements Closeable {
    private static final System.Logger LOG = System.getLogger(AuditJobs.class.getName());

    private final Path auditsDir;
    private final FeatureSpace space;
    private final FeatureTask task;
    private final LlmPrices prices;
    private final SpendGuard guard;
    private final Map<String, AuditRun> jobs = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private volatile AuditSettings settings = AuditSettings.PER_FEATURE;

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
                    AuditRun job = new AuditRun(files, files.readRecord(), task, prices, guard, this::settings);
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

    /**
     * How jobs started from now on run (native threads per worker, group commit); {@link AuditSettings#PER_FEATURE}
     * until set. A running job keeps the settings it started with.
     */
    public AuditJobs settings(AuditSettings settings) {
        this.settings = java.util.Objects.requireNonNull(settings);
        return this;
    }

    public AuditSettings settings() {
        return settings;
    }

    /** Validates and resolves the request, persists the job and starts it. Returns the job id. */
    public String submit(AuditRequest request) {
        if (closed) throw new UnavailableException("audit engine is shut down");
        if (request.budget().maxCost() != null && prices == null) {
            throw new InvalidInputException("budget.maxCost needs prices: set lantern.budget.price-per-1k-input-tokens and "
                    + "lantern.budget.price-per-1k-output-tokens (or cap tokens with budget.maxTokens)");
        }
        List<String> features = request.resolve(space);
        if (features.isEmpty()) throw new InvalidInputException("the request selects no features");
        String id = newId();
        JobFiles files = new JobFiles(auditsDir, id);
        files.writeFeatures(features); // before job.json: a job that exists always has its feature list
        JobRecord record = new JobRecord(id, request.toJson(), JobState.QUEUED, features.size(),
                System.currentTimeMillis(), null, null, null);
        files.writeRecord(record);
        AuditRun job = new AuditRun(files, record, task, prices, guard, this::settings);
        jobs.put(id, job);
        job.start();
        return id;
    }

    /** Restarts every job left queued or running by a previous process. Returns their ids. */
    public List<String> resumeUnfinished() {
        List<String> resumed = new ArrayList<>();
        for (AuditRun job : jobs.values()) {
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
        AuditRun job = job(id);
        synchronized (job) {
            if (job.record.state() != JobState.BUDGET_EXHAUSTED) {
                throw new ConflictException("audit " + id + " is " + job.record.state().json() + "; only a budget-exhausted audit resumes with a new budget");
            }
            if (budget.maxCost() != null && prices == null) {
                throw new InvalidInputException("budget.maxCost needs prices: set lantern.budget.price-per-1k-input-tokens and lantern.budget.price-per-1k-output-tokens");
            }
            AuditSpend spent = job.spend(job.record.auditRequest());
            if (budget.maxTokens() != null && budget.maxTokens() <= spent.tokens()) {
                throw new InvalidInputException("the audit has spent " + spent.tokens() + " tokens; budget.maxTokens must be above that");
            }
            if (budget.maxCost() != null && spent.cost() != null && budget.maxCost() <= spent.cost()) {
                throw new InvalidInputException("the audit has spent " + spent.cost() + "; budget.maxCost must be above that");
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
        return jobs.values().stream().sorted(Comparator.comparingLong((AuditRun j) -> j.record.createdAt()).reversed())
                .map(AuditRun::status).toList();
    }

    /**
     * Stops a job: no new feature starts; those running finish and are logged (threads are not interrupted: an
     * interrupt inside Lucene or a file channel would close it under the other workers). The state becomes cancelled.
     */
    public AuditStatus cancel(String id) {
        AuditRun job = job(id);
        job.cancel();
        return job.status();
    }

    /** The job's request and every logged entry (for reports). */
    public AuditResults results(String id) {
        AuditRun job = job(id);
        return new AuditResults(job.status(), job.record.auditRequest(), ProgressLog.read(job.files.progressLog()));
    }

    /** Registers a listener for a job's events; close the handle to stop listening. */
    public AutoCloseable listen(String id, Consumer<AuditEvent> listener) {
        AuditRun job = job(id);
        job.listeners.add(listener);
        return () -> job.listeners.remove(listener);
    }

    /** Waits until the job is finished (done, failed or cancelled). Returns false on timeout. */
    public boolean awaitFinished(String id, Duration timeout) throws InterruptedException {
        AuditRun job = job(id);
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

    private AuditRun job(String id) {
        if (id == null || !JobFiles.ID.matcher(id).matches()) throw new InvalidInputException("bad audit id: " + id);
        AuditRun job = jobs.get(id);
        if (job == null) throw new NotFoundException("no audit " + id);
        return job;
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
        for (AuditRun job : jobs.values()) job.stop();
        for (AuditRun job : jobs.values()) {
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
}
