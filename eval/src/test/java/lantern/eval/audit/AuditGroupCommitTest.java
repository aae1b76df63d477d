package lantern.eval.audit;

import lantern.api.audit.AuditRequest;
import lantern.api.audit.AuditStatus;
import lantern.api.audit.FeatureSelection;
import lantern.api.audit.FeatureSpace;
import lantern.api.audit.JobState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Group commit and the split of the cores among workers: a feature is counted done (status, events, progress.log) only
 * after the task's commit that makes it durable; groups are cut by size and by delay; each worker is told its threads.
 */
class AuditGroupCommitTest {
    static final FeatureSpace SPACE = new FixedFeatureSpace("toy", 2, 40);

    @TempDir
    Path dir;

    static AuditRequest request(int from, int to, int concurrency) {
        return new AuditRequest("toy", List.of(0), "mlp", new FeatureSelection.Range(from, to), "statistical",
                "statistical", concurrency, List.of(), false);
    }

    static FeatureResult result(String feature) {
        return new FeatureResult("explains " + feature, "statistical", 0.5, null, null, null, 1, List.of());
    }

    /** Features whose side effects are written but not durable, and those a commit made durable. */
    static final class CommittingTask implements FeatureTask {
        final Set<String> written = ConcurrentHashMap.newKeySet(), durable = ConcurrentHashMap.newKeySet();
        final AtomicInteger commits = new AtomicInteger();

        @Override
        public FeatureResult run(AuditRequest request, String featureId) {
            written.add(featureId);
            return result(featureId);
        }

        @Override
        public void commit() {
            commits.incrementAndGet();
            durable.addAll(written);
        }
    }

    @Test
    void aFeatureIsCountedDoneOnlyAfterTheCommitThatMakesItDurable() throws Exception {
        CommittingTask task = new CommittingTask();
        List<String> violations = new CopyOnWriteArrayList<>();
        try (AuditJobs jobs = new AuditJobs(dir, SPACE, task).settings(new AuditSettings(null, 5, 60_000))) {
            String id = jobs.submit(request(0, 22, 3));
            jobs.listen(id, e -> {
                if (e.feature() != null && !task.durable.contains(e.feature())) violations.add("event " + e.feature());
                if (e.status().done() > task.durable.size()) violations.add("status says " + e.status().done() + " done");
            });
            while (!jobs.status(id).state().finished()) {
                AuditStatus s = jobs.status(id);
                int durable = task.durable.size(); // read after the status: done may only lag behind it
                if (s.done() > durable) violations.add("polled status says " + s.done() + " done, " + durable + " durable");
                Thread.sleep(1);
            }
            assertThat(jobs.awaitFinished(id, Duration.ofSeconds(30))).isTrue();
            AuditStatus s = jobs.status(id);
            assertThat(s.state()).isEqualTo(JobState.DONE);
            assertThat(s.done()).isEqualTo(23);
            assertThat(violations).isEmpty();
            assertThat(task.durable).hasSize(23);
            // a commit once 5 wait (features finishing during a commit join the next group): far fewer commits than features
            assertThat(task.commits.get()).isBetween(1, 12);
            List<String> lines = Files.readAllLines(new JobFiles(dir, id).progressLog()).stream().filter(l -> !l.isBlank()).toList();
            assertThat(lines).hasSize(23);
        }
    }

    @Test
    void aFeatureWaitsNoLongerThanTheDelayForItsGroup() throws Exception {
        // the second feature runs only once the first is counted done: with a group of 100 that happens by the delay alone
        AtomicInteger calls = new AtomicInteger();
        AuditJobs[] ref = new AuditJobs[1];
        String[] id = new String[1];
        java.util.concurrent.CountDownLatch submitted = new java.util.concurrent.CountDownLatch(1);
        FeatureTask task = (r, f) -> {
            if (calls.getAndIncrement() == 1) {
                submitted.await();
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (ref[0].status(id[0]).done() < 1) {
                    if (System.nanoTime() > deadline) throw new IllegalStateException("the first feature was never committed");
                    Thread.sleep(5);
                }
            }
            return result(f);
        };
        try (AuditJobs jobs = new AuditJobs(dir, SPACE, task).settings(new AuditSettings(null, 100, 50))) {
            ref[0] = jobs;
            id[0] = jobs.submit(request(0, 2, 1));
            submitted.countDown();
            assertThat(jobs.awaitFinished(id[0], Duration.ofSeconds(30))).isTrue();
            AuditStatus s = jobs.status(id[0]);
            assertThat(s.failed()).as("the second feature saw the first committed").isZero();
            assertThat(s.done()).isEqualTo(3);
        }
    }

    @Test
    void aFailedCommitFailsTheJobAndLogsNoneOfItsGroup() throws Exception {
        FeatureTask task = new FeatureTask() {
            @Override
            public FeatureResult run(AuditRequest request, String featureId) {
                return result(featureId);
            }

            @Override
            public void commit() throws Exception {
                throw new java.io.IOException("index disk gone");
            }
        };
        try (AuditJobs jobs = new AuditJobs(dir, SPACE, task).settings(new AuditSettings(null, 4, 60_000))) {
            String id = jobs.submit(request(0, 9, 2));
            assertThat(jobs.awaitFinished(id, Duration.ofSeconds(30))).isTrue();
            AuditStatus s = jobs.status(id);
            assertThat(s.state()).isEqualTo(JobState.FAILED);
            assertThat(s.error()).contains("cannot commit").contains("index disk gone");
            assertThat(s.done()).isZero();
            assertThat(jobs.results(id).entries()).isEmpty();
        }
    }

    @Test
    void aShutdownWhoseLastCommitFailsLeavesTheJobToResume() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean indexClosed = new java.util.concurrent.atomic.AtomicBoolean();
        AtomicInteger ran = new AtomicInteger();
        FeatureTask closing = new FeatureTask() {
            @Override
            public FeatureResult run(AuditRequest request, String featureId) throws Exception {
                ran.incrementAndGet();
                Thread.sleep(20);
                return result(featureId);
            }

            @Override
            public void commit() {
                if (indexClosed.get()) throw new IllegalStateException("the index is closed");
            }
        };
        String id;
        try (AuditJobs jobs = new AuditJobs(dir, SPACE, closing).settings(new AuditSettings(null, 1000, 60_000))) {
            id = jobs.submit(request(0, 39, 2));
            while (ran.get() < 5) Thread.sleep(1);
            indexClosed.set(true); // the service's other beans close as it shuts down
        } // stops the job: its last group commit fails
        JobFiles files = new JobFiles(dir, id);
        assertThat(files.readRecord().state().finished()).as("left to resume, not failed").isFalse();
        assertThat(ProgressLog.read(files.progressLog())).isEmpty();
        try (AuditJobs again = new AuditJobs(dir, SPACE, (r, f) -> result(f))) {
            assertThat(again.resumeUnfinished()).containsExactly(id);
            assertThat(again.awaitFinished(id, Duration.ofSeconds(30))).isTrue();
            assertThat(again.status(id).state()).isEqualTo(JobState.DONE);
            assertThat(again.status(id).done()).isEqualTo(40);
        }
    }

    @Test
    void eachWorkerIsToldItsShareOfTheCores() throws Exception {
        Map<String, Integer> told = new ConcurrentHashMap<>();
        Set<String> ranOn = ConcurrentHashMap.newKeySet();
        FeatureTask task = new FeatureTask() {
            @Override
            public FeatureResult run(AuditRequest request, String featureId) throws Exception {
                ranOn.add(Thread.currentThread().getName());
                Thread.sleep(5);
                return result(featureId);
            }

            @Override
            public void startWorker(int nativeThreads) {
                told.put(Thread.currentThread().getName(), nativeThreads);
            }
        };
        int cores = Runtime.getRuntime().availableProcessors();
        try (AuditJobs jobs = new AuditJobs(dir, SPACE, task)) {
            String id = jobs.submit(request(0, 9, 2));
            assertThat(jobs.awaitFinished(id, Duration.ofSeconds(30))).isTrue();
            assertThat(told).hasSize(2).allSatisfy((thread, n) -> assertThat(n).isEqualTo(Math.max(1, cores / 2)));
            assertThat(told.keySet()).containsAll(ranOn); // told on the threads that then ran the features
            told.clear();
            jobs.settings(jobs.settings().withThreadsPerWorker(3));
            String again = jobs.submit(request(10, 13, 2));
            assertThat(jobs.awaitFinished(again, Duration.ofSeconds(30))).isTrue();
            assertThat(told.values()).containsExactly(3, 3);
        }
    }

    @Test
    void theDefaultSplitNeverAsksForMoreThreadsThanCores() {
        assertThat(AuditSettings.threadsPerWorker(2, 2)).isEqualTo(1); // the dev machine: 2 workers, 2 cores
        assertThat(AuditSettings.threadsPerWorker(2, 1)).isEqualTo(2);
        assertThat(AuditSettings.threadsPerWorker(16, 3)).isEqualTo(5);
        assertThat(AuditSettings.threadsPerWorker(2, 8)).isEqualTo(1); // more workers than cores: one each, the least
        for (int cores = 1; cores <= 64; cores++) {
            for (int workers = 1; workers <= cores; workers++) {
                int t = AuditSettings.threadsPerWorker(cores, workers);
                assertThat(workers * t).as(cores + " cores, " + workers + " workers").isLessThanOrEqualTo(cores);
                assertThat(workers * (t + 1)).as("no core left idle that one more thread each would fit").isGreaterThan(cores);
            }
        }
        assertThat(AuditSettings.DEFAULT.threadsFor(2, 2)).isEqualTo(1);
        assertThat(AuditSettings.DEFAULT.withThreadsPerWorker(4).threadsFor(2, 2)).isEqualTo(4);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AuditSettings(0, 1, 0)).hasMessageContaining("at least 1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AuditSettings(null, 0, 0)).hasMessageContaining("commit-every");
    }
}
