package lantern.eval.audit;

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
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public AuditJobs(Path auditsDir, FeatureSpace space, FeatureTask task) {
        this.auditsDir = auditsDir;
        this.space = space;
        this.task = task;
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
        if (closed) throw new IllegalStateException("audit engine is shut down");
        List<String> features = request.resolve(space);
        if (features.isEmpty()) throw new IllegalArgumentException("the request selects no features");
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
        if (id == null || !JobFiles.ID.matcher(id).matches()) throw new IllegalArgumentException("bad audit id: " + id);
        Job job = jobs.get(id);
        if (job == null) throw new NoSuchElementException("no audit " + id);
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
            for (ProgressEntry e : ProgressLog.read(files.progressLog())) (e.ok() ? done : failed).incrementAndGet();
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
                    while (!cancelRequested && !stopRequested && fatal.isEmpty()) {
                        int i = next.getAndIncrement();
                        if (i >= remaining.size()) return;
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
                            fatal.add(e);
                            return;
                        }
                        (entry.ok() ? done : failed).incrementAndGet();
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
                files.writeRecord(r);
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
                    r.startedAt() == null ? null : Instant.ofEpochMilli(r.startedAt()).toString(), eta, r.error());
        }
    }
}
