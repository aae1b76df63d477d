package lantern.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.index.FeatureIndex;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An audit on a real standalone cluster (one Master, two Workers on 127.0.0.1), run as a user runs it
 * ({@code lantern audit --engine spark --master URL}), with one Worker killed while its executor runs a task (Spark
 * runs that task again on the other), against the same audit on one machine: the same explanations and scores, each feature once in progress.log, once in the index and once in its
 * stored history. (Speculative copies cannot be shown here: Spark never starts one on the host that runs the
 * original, and every executor here is on 127.0.0.1. They are harmless by construction: a job answers once, with
 * the first attempt to finish, and the app keeps and indexes per answer, never per attempt.)
 */
class AuditOnClusterIT {
    private static final ObjectMapper M = new ObjectMapper();
    /**
     * Enough work that the kill lands mid-job (the kill waits for three features and a running task): with 8, audits
     * became fast enough that all eight were logged before the kill in one CI run.
     */
    private static final int FEATURES = 24;

    @Test
    void anAuditOnTheClusterSurvivesAKilledWorkerAndMatchesTheLocalAudit() throws Exception {
        Path base = TestPaths.target("audit-it");
        deleteTree(base);
        Path corpora = TestPaths.repo().resolve("lantern-data/corpora");
        assertThat(corpora.resolve("brown/.complete")).as("Brown (the root build fetches it)").exists();
        String[] audit = {"audit", "--layers", "0", "--features", "0-" + (FEATURES - 1), "--concurrency", "2", "--causal"};
        List<String> small = List.of("-Dlantern.audit.collect-tokens=4000");

        // one machine: collects layer 0 (4,000 Brown tokens), then audits
        Path local = base.resolve("local");
        Files.createDirectories(local);
        Files.createSymbolicLink(local.resolve("corpora"), corpora);
        Path localLog = base.resolve("local.log");
        LanternApp.await(LanternApp.start(local, localLog, small, audit), localLog, 6);

        // the cluster, over the same collection
        Path spark = base.resolve("spark");
        Files.createDirectories(spark);
        Files.createSymbolicLink(spark.resolve("corpora"), corpora);
        copyTree(local.resolve("activations"), spark.resolve("activations"));
        Path sparkLog = base.resolve("spark.log");
        int loggedAtKill;
        try (LoopbackCluster cluster = LoopbackCluster.start(TestPaths.sparkHome(), base.resolve("cluster"), 2, 1, "1g")) {
            List<String> props = new ArrayList<>(small);
            props.addAll(List.of("-Dlantern.spark.home=" + TestPaths.sparkHome(), "-Dlantern.spark.driver-heap=768m",
                    "-Dlantern.spark.executor-memory=700m"));
            List<String> args = new ArrayList<>(List.of(audit));
            args.addAll(List.of("--engine", "spark", "--master", cluster.masterUrl()));
            Process run = LanternApp.start(spark, sparkLog, props, args.toArray(String[]::new));
            // kill Worker 0 (and its executor) once a few features are done, while it works on one
            long deadline = System.nanoTime() + 300_000_000_000L;
            while (progressLines(spark) < 3 || cluster.runningTasks(0) < 1) {
                assertThat(run.isAlive()).as("the spark audit is still running:\n%s", LanternApp.tail(sparkLog)).isTrue();
                assertThat(System.nanoTime()).as("three features done within 5 min").isLessThan(deadline);
                Thread.sleep(50);
            }
            cluster.killWorker(0);
            loggedAtKill = progressLines(spark);
            assertThat(cluster.runningTasks(0)).as("the killed executor was running a task").isPositive();
            LanternApp.await(run, sparkLog, 6);
        }
        assertThat(loggedAtKill).as("the worker died mid-job").isLessThan(FEATURES);
        assertThat(Files.readString(sparkLog)).as("Spark saw the worker go").contains("worker lost");
        assertThat(attemptsAfterTheFirst(base.resolve("cluster"))).as("the lost task ran again").isPositive();

        Map<String, JsonNode> expected = results(local), actual = results(spark);
        assertThat(actual.keySet()).hasSize(FEATURES).isEqualTo(expected.keySet());
        for (String f : expected.keySet()) {
            JsonNode e = expected.get(f), a = actual.get(f);
            assertThat(a.path("ok").asBoolean()).as(f + " ok").isTrue();
            assertThat(a.path("result").path("explanation")).as(f + " explanation").isEqualTo(e.path("result").path("explanation"));
            for (String score : List.of("simulation", "detection", "embeddingScore", "causal", "maxActivation")) {
                assertThat(a.path("result").path(score)).as(f + " " + score).isEqualTo(e.path("result").path(score));
            }
        }
        try (FeatureIndex index = FeatureIndex.openReadOnly(spark.resolve("index"))) {
            for (String f : actual.keySet()) {
                if (actual.get(f).path("result").path("dead").asBoolean()) continue;
                assertThat(index.countFeature(f)).as(f + " in the index").isEqualTo(1);
            }
        }
        for (String f : actual.keySet()) {
            if (actual.get(f).path("result").path("dead").asBoolean()) continue;
            String[] p = f.split("/");
            Path history = spark.resolve("explanations").resolve(p[0]).resolve(p[1]).resolve(p[2]).resolve(p[3] + ".json");
            assertThat(M.readTree(history.toFile())).as(f + " stored once").hasSize(1);
        }
    }

    /** Task attempts after the first ("Running task 0.1 in stage ...") in every executor's log. */
    private static long attemptsAfterTheFirst(Path clusterLogs) throws Exception {
        long n = 0;
        try (Stream<Path> s = Files.walk(clusterLogs)) {
            for (Path f : s.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
                n += Files.readAllLines(f, java.nio.charset.StandardCharsets.ISO_8859_1).stream()
                        .filter(l -> l.matches(".*Executor: Running task \\d+\\.[1-9].*")).count();
            }
        }
        return n;
    }

    /** The audit's progress.log, one entry per feature (failing when a feature is there twice). */
    private static Map<String, JsonNode> results(Path data) throws Exception {
        Map<String, JsonNode> out = new TreeMap<>();
        for (String line : Files.readAllLines(progressLog(data))) {
            JsonNode e = M.readTree(line);
            assertThat(out.put(e.path("feature").asText(), e)).as("%s logged twice", e.path("feature").asText()).isNull();
        }
        return out;
    }

    private static int progressLines(Path data) throws Exception {
        Path log = progressLog(data);
        return log == null ? 0 : (int) Files.readAllLines(log).stream().filter(l -> !l.isBlank()).count();
    }

    private static Path progressLog(Path data) throws Exception {
        Path audits = data.resolve("audits");
        if (!Files.isDirectory(audits)) return null;
        try (Stream<Path> s = Files.list(audits)) {
            return s.map(d -> d.resolve("progress.log")).filter(Files::exists).findFirst().orElse(null);
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
