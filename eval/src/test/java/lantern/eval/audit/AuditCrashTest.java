package lantern.eval.audit;

import lantern.api.audit.JobState;
import lantern.api.audit.AuditStatus;
import lantern.api.audit.FeatureSpace;
import lantern.api.audit.FeatureSelection;
import lantern.api.audit.AuditRequest;
import lantern.index.FeatureIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a child JVM (SIGKILL) in the middle of an audit, starts it again, and checks that the resumed job finishes
 * with the same results as an uninterrupted run, every feature logged and indexed exactly once.
 */
class AuditCrashTest {
    static final FeatureSpace SPACE = new FixedFeatureSpace("toy", 3, 100);
    static final long DELAY_MS = 15;
    /** Group commit in the crash run: up to 8 features a commit, so a kill lands between commits. */
    static final AuditSettings GROUP = new AuditSettings(null, 8, 1000);

    static AuditRequest request() {
        return new AuditRequest("toy", List.of(0, 2), "mlp", new FeatureSelection.Range(0, 59), "statistical",
                "statistical", 4, List.of(), true);
    }

    @TempDir
    Path tmp;

    @Test
    void aKilledAuditResumesAndEndsLikeAnUninterruptedOne() throws Exception {
        killAndResume(false);
    }

    /**
     * The same with the index committed by the engine's group commit: the kill loses the features added since the
     * last commit (they were not logged), never one the log (and so the status) reported done.
     */
    @Test
    void aKilledGroupCommittingAuditKeepsEveryLoggedFeatureAndRedoesTheRest() throws Exception {
        killAndResume(true);
    }

    private void killAndResume(boolean group) throws Exception {
        // the reference: the same audit, uninterrupted, in this JVM
        Path refDir = tmp.resolve("reference");
        Map<String, FeatureResult> reference;
        try (FeatureIndex index = FeatureIndex.open(refDir.resolve("index"));
             AuditJobs jobs = new AuditJobs(refDir.resolve("audits"), SPACE, new IndexingFeatureTask(index, 0, 0))) {
            String id = jobs.submit(request());
            assertThat(jobs.awaitFinished(id, Duration.ofMinutes(2))).isTrue();
            reference = resultsOf(jobs.results(id).entries());
        }
        assertThat(reference).hasSize(120);

        Path data = tmp.resolve("crashed");
        Process first = child("submit", data, group);
        String id = readJobId(first);
        Path log = data.resolve("audits").resolve(id).resolve("progress.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (lines(log) < 40 && System.nanoTime() < deadline && first.isAlive()) Thread.sleep(5);
        first.destroyForcibly(); // SIGKILL: no shutdown hooks, no close, no commit
        first.waitFor();
        int beforeKill = lines(log);
        assertThat(beforeKill).as("killed mid-run").isBetween(40, 119);
        assertThat(Files.readString(data.resolve("audits").resolve(id).resolve("job.json"))).contains("\"running\"");

        if (group) {
            // every feature the killed run logged is in the committed index (and nothing is logged twice)
            List<String> logged = ProgressLog.read(log).stream().map(ProgressEntry::feature).toList();
            assertThat(logged).as("whole lines, each feature once").hasSize(beforeKill);
            try (FeatureIndex index = FeatureIndex.open(data.resolve("index"))) {
                for (String feature : logged) assertThat(index.countFeature(feature)).as("logged " + feature).isEqualTo(1);
                // committed: the logged features, and those of a group killed between its commit and its log append
                assertThat(index.size()).isGreaterThanOrEqualTo(beforeKill);
            }
        }
        Process second = child("resume", data, group);
        assertThat(readJobId(second)).isEqualTo(id);
        assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).isZero();

        try (FeatureIndex index = FeatureIndex.open(data.resolve("index"));
             AuditJobs jobs = new AuditJobs(data.resolve("audits"), SPACE, new IndexingFeatureTask(index, 0, 0))) {
            AuditStatus status = jobs.status(id);
            assertThat(status.state()).isEqualTo(JobState.DONE);
            assertThat(status.done()).isEqualTo(120);
            assertThat(status.failed()).isZero();
            // every feature exactly once in the raw log (not only after de-duplication)
            List<String> raw = Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
            assertThat(raw).hasSize(120);
            List<ProgressEntry> entries = jobs.results(id).entries();
            assertThat(entries).hasSize(120);
            assertThat(resultsOf(entries)).isEqualTo(reference);
            // the causal flag lives in job.json: the resumed process computed it too
            assertThat(entries).allSatisfy(e -> assertThat(e.result().causal() != null).isEqualTo(!e.result().dead()));
            // ... and exactly once in the Lucene index
            assertThat(index.size()).isEqualTo(120);
            for (String feature : reference.keySet()) assertThat(index.countFeature(feature)).as(feature).isEqualTo(1);
            assertThat(jobs.resumeUnfinished()).isEmpty();
        }
    }

    private static Map<String, FeatureResult> resultsOf(List<ProgressEntry> entries) {
        Map<String, FeatureResult> m = new HashMap<>();
        for (ProgressEntry e : entries) {
            assertThat(e.ok()).as(e.feature() + " " + e.error()).isTrue();
            assertThat(m.put(e.feature(), e.result())).as("duplicate " + e.feature()).isNull();
        }
        return m;
    }

    private static int lines(Path log) throws Exception {
        if (!Files.exists(log)) return 0;
        byte[] b = Files.readAllBytes(log);
        int n = 0;
        for (byte x : b) if (x == '\n') n++;
        return n;
    }

    private Process child(String mode, Path data, boolean group) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), CrashAuditMain.class.getName(), mode, data.toString(),
                group ? "group" : "each"));
        return new ProcessBuilder(cmd).redirectError(new File(tmp.toFile(), mode + ".err")).start();
    }

    private static String readJobId(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("child said nothing").isNotNull().startsWith("JOB ");
        return line.substring(4);
    }
}
