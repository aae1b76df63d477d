package lantern.eval.audit;

import lantern.api.audit.JobState;
import lantern.api.audit.AuditStatus;
import lantern.api.audit.FeatureSpace;
import lantern.api.audit.AuditRequest;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditJobsTest {
    static final FeatureSpace SPACE = new FixedFeatureSpace("toy", 4, 50);
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Deterministic work from the id: the score falls with the index, every 10th feature fails. */
    static FeatureResult work(String featureId) {
        int n = Integer.parseInt(featureId.substring(featureId.lastIndexOf('/') + 1));
        if (n % 10 == 9) throw new IllegalStateException("no records for " + featureId);
        return new FeatureResult("explains " + featureId, "statistical", 1 - n / 50.0, null, null, null, n % 7 == 6 ? 0 : 2, List.of());
    }

    static AuditRequest request(String features, int concurrency, List<Integer> layers) throws Exception {
        return AuditRequest.fromJson(JSON.readTree("""
                {"model":"toy","layers":%s,"features":%s,"concurrency":%d,"watchedConcepts":["toy/1/"]}"""
                .formatted(JSON.writeValueAsString(layers), features, concurrency)));
    }

    @Test
    void resolvesAllRangesAndSeededSamples() throws Exception {
        assertThat(request("\"all\"", 1, List.of()).resolve(SPACE)).hasSize(200).startsWith("toy/0/mlp/0").endsWith("toy/3/mlp/49");
        assertThat(request("\"5-7\"", 1, List.of(2, 0)).resolve(SPACE))
                .containsExactly("toy/2/mlp/5", "toy/2/mlp/6", "toy/2/mlp/7", "toy/0/mlp/5", "toy/0/mlp/6", "toy/0/mlp/7");
        List<String> a = request("{\"sample\":30,\"seed\":1}", 1, List.of()).resolve(SPACE);
        assertThat(a).hasSize(30).doesNotHaveDuplicates()
                .isEqualTo(request("{\"sample\":30,\"seed\":1}", 1, List.of()).resolve(SPACE))
                .isNotEqualTo(request("{\"sample\":30,\"seed\":2}", 1, List.of()).resolve(SPACE));
        assertThat(a.stream().map(f -> f.split("/")[1]).distinct().count()).as("spread over layers").isGreaterThan(1);
        // a request survives its JSON round trip
        AuditRequest r = request("{\"sample\":30,\"seed\":1}", 3, List.of(1));
        assertThat(AuditRequest.fromJson(r.toJson())).isEqualTo(r);
    }

    @Test
    void badRequestsAreRejectedWithAMessage() {
        assertThatThrownBy(() -> request("\"0-50\"", 1, List.of(0)).resolve(SPACE)).hasMessageContaining("exceeds layer 0");
        assertThatThrownBy(() -> request("\"x\"", 1, List.of())).hasMessageContaining("features must be");
        assertThatThrownBy(() -> request("{\"sample\":300}", 1, List.of()).resolve(SPACE)).hasMessageContaining("larger than");
        assertThatThrownBy(() -> request("\"all\"", 0, List.of())).hasMessageContaining("concurrency");
        assertThatThrownBy(() -> request("\"all\"", 1, List.of(9)).resolve(SPACE)).hasMessageContaining("no layer 9");
        assertThatThrownBy(() -> AuditRequest.fromJson(JSON.readTree("{\"model\":\"toy\",\"colour\":1}")))
                .hasMessageContaining("unknown field");
        assertThatThrownBy(() -> AuditRequest.fromJson(JSON.readTree("{\"model\":\"../etc\"}"))).hasMessageContaining("bad model");
        try (AuditJobs jobs = new AuditJobs(dir, SPACE, (r, f) -> work(f))) {
            assertThatThrownBy(() -> jobs.status("nope")).isInstanceOf(NoSuchElementException.class);
            assertThatThrownBy(() -> jobs.status("../x")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void runsToTheEndCountingFailuresAndTellsListeners() throws Exception {
        List<AuditEvent> events = new CopyOnWriteArrayList<>();
        try (AuditJobs jobs = new AuditJobs(dir, SPACE, (r, f) -> work(f))) {
            String id;
            CountDownLatch gate = new CountDownLatch(1);
            // hold the first feature until the listener is registered, so it sees every event
            try (AuditJobs gated = new AuditJobs(dir.resolve("g"), SPACE, (r, f) -> {
                gate.await();
                return work(f);
            })) {
                id = gated.submit(request("\"0-19\"", 3, List.of(0, 1)));
                gated.listen(id, events::add);
                gate.countDown();
                assertThat(gated.awaitFinished(id, Duration.ofSeconds(30))).isTrue();
                AuditStatus s = gated.status(id);
                assertThat(s.state()).isEqualTo(JobState.DONE);
                assertThat(s.total()).isEqualTo(40);
                assertThat(s.failed()).isEqualTo(4);
                assertThat(s.done()).isEqualTo(36);
                assertThat(s.etaSeconds()).isNull();
                assertThat(s.startedAt()).isNotNull();
            }
            assertThat(events.stream().filter(e -> e.type().equals("feature"))).hasSize(40);
            assertThat(events.getLast().type()).isEqualTo("state");
            assertThat(events.getLast().status().state()).isEqualTo(JobState.DONE);
            assertThat(jobs.list()).isEmpty(); // a different directory
        }
    }

    @Test
    void cancelStopsAJobForGood() throws Exception {
        AtomicInteger started = new AtomicInteger();
        FeatureTask slow = (r, f) -> {
            started.incrementAndGet();
            Thread.sleep(30);
            return work(f);
        };
        String id;
        try (AuditJobs jobs = new AuditJobs(dir, SPACE, slow)) {
            id = jobs.submit(request("\"all\"", 2, List.of()));
            while (jobs.status(id).done() + jobs.status(id).failed() < 5) Thread.sleep(5);
            assertThat(jobs.status(id).etaSeconds()).isNotNull().isPositive();
            jobs.cancel(id);
            assertThat(jobs.awaitFinished(id, Duration.ofSeconds(10))).isTrue();
            AuditStatus s = jobs.status(id);
            assertThat(s.state()).isEqualTo(JobState.CANCELLED);
            assertThat(s.done() + s.failed()).isLessThan(200);
        }
        int before = started.get();
        try (AuditJobs again = new AuditJobs(dir, SPACE, slow)) {
            assertThat(again.resumeUnfinished()).isEmpty();
            assertThat(again.status(id).state()).isEqualTo(JobState.CANCELLED);
        }
        assertThat(started.get()).isEqualTo(before);
    }

    @Test
    void aShutDownJobResumesWhereItStopped() throws Exception {
        List<String> runs = new CopyOnWriteArrayList<>();
        FeatureTask task = (r, f) -> {
            runs.add(f);
            Thread.sleep(5);
            return work(f);
        };
        String id;
        try (AuditJobs jobs = new AuditJobs(dir, SPACE, task)) {
            id = jobs.submit(request("\"0-24\"", 2, List.of()));
            while (jobs.status(id).done() + jobs.status(id).failed() < 20) Thread.sleep(2);
        } // close: the job stays "running" on disk
        int logged = ProgressLog.read(dir.resolve(id).resolve("progress.log")).size();
        assertThat(logged).isBetween(20, 99);
        try (AuditJobs jobs = new AuditJobs(dir, SPACE, task)) {
            assertThat(jobs.status(id).state()).isEqualTo(JobState.RUNNING);
            assertThat(jobs.resumeUnfinished()).containsExactly(id);
            assertThat(jobs.awaitFinished(id, Duration.ofSeconds(30))).isTrue();
            AuditResults results = jobs.results(id);
            assertThat(results.status().state()).isEqualTo(JobState.DONE);
            assertThat(results.entries()).hasSize(100).extracting(ProgressEntry::feature).doesNotHaveDuplicates();
        }
        // features running at the shutdown were finished and logged: nothing ran twice
        assertThat(runs).hasSize(100);
    }

    /**
     * A feature that fails because the service is shutting down under it (its models closed: "Native resource has been
     * released already") is not logged as failed: the resumed job runs it again and it succeeds.
     */
    @Test
    void aFeatureFailingDuringShutdownIsRunAgainOnResumeNotLoggedAsFailed() throws Exception {
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean(true);
        FeatureTask dying = (r, f) -> {
            if (f.endsWith("/mlp/3") && closing.get()) {
                inside.countDown();
                while (closing.get()) Thread.sleep(2);  // the shutdown closes the model under this feature
                throw new IllegalStateException("Native resource has been released already");
            }
            return work(f);
        };
        String id;
        AuditJobs first = new AuditJobs(dir, SPACE, dying);
        id = first.submit(request("\"0-8\"", 1, List.of()));  // 36 features; work() fails none of them
        assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
        Thread closer = Thread.ofPlatform().start(first::close);
        // close() stops every job, then waits for their threads: once it waits, this job was told to stop
        while (closer.isAlive() && closer.getState() != Thread.State.TIMED_WAITING) Thread.sleep(1);
        closing.set(false);
        closer.join(30_000);
        List<ProgressEntry> logged = ProgressLog.read(dir.resolve(id).resolve("progress.log"));
        assertThat(logged).extracting(ProgressEntry::feature).noneMatch(f -> f.endsWith("/mlp/3"));
        assertThat(logged).allMatch(ProgressEntry::ok);
        try (AuditJobs jobs = new AuditJobs(dir, SPACE, (r, f) -> work(f))) {
            assertThat(jobs.resumeUnfinished()).containsExactly(id);
            assertThat(jobs.awaitFinished(id, Duration.ofSeconds(30))).isTrue();
            AuditResults results = jobs.results(id);
            assertThat(results.status().failed()).isZero();
            assertThat(results.entries()).hasSize(36).extracting(ProgressEntry::feature).doesNotHaveDuplicates()
                    .contains("toy/0/mlp/3");
        }
    }

    /** A task that learns something about its LLM server after its third feature and is told it back on resume. */
    static final class LearningTask implements FeatureTask {
        final java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        final List<java.util.Map<String, Object>> restored = new CopyOnWriteArrayList<>();

        @Override
        public FeatureResult run(AuditRequest request, String featureId) throws Exception {
            runs.incrementAndGet();
            Thread.sleep(5);
            return work(featureId);
        }

        @Override
        public java.util.Map<String, Object> learned() {
            return runs.get() < 3 ? java.util.Map.of() : java.util.Map.of("llm", java.util.Map.of("responseFormat", "json_object"));
        }

        @Override
        public void restore(java.util.Map<String, Object> learned) {
            restored.add(learned);
        }
    }

    @Test
    void whatTheTaskLearnedIsKeptInTheJobFolderAndGivenBackOnResume() throws Exception {
        String id;
        LearningTask first = new LearningTask();
        try (AuditJobs jobs = new AuditJobs(dir, SPACE, first)) {
            id = jobs.submit(request("\"0-24\"", 2, List.of()));
            while (jobs.status(id).done() + jobs.status(id).failed() < 10) Thread.sleep(2);
        }
        assertThat(first.restored).containsExactly(java.util.Map.of());   // a new job knows nothing yet
        assertThat(JSON.readTree(dir.resolve(id).resolve("learned.json").toFile()).at("/llm/responseFormat").asText()).isEqualTo("json_object");
        LearningTask second = new LearningTask();
        try (AuditJobs jobs = new AuditJobs(dir, SPACE, second)) {
            assertThat(jobs.resumeUnfinished()).containsExactly(id);
            assertThat(jobs.awaitFinished(id, Duration.ofSeconds(30))).isTrue();
        }
        assertThat(second.restored).containsExactly(java.util.Map.of("llm", java.util.Map.of("responseFormat", "json_object")));
    }

    @Test
    void aFeatureRecordsTheSimulatorUsedAndItsTokensOrUnknown() throws Exception {
        var known = new FeatureResult("x", "llm:m", 0.5, 0.7, null, null, 2, List.of("a"), "llm-json:m",
                new lantern.llm.LlmUsage(45, 1, 2, 5000, 300));
        var unknown = new FeatureResult("x", "llm:m", 0.5, 0.7, null, null, 2, List.of("a"), "llm-json:m",
                new lantern.llm.LlmUsage(45, 0, 0, 0, 0, 45));
        for (var r : List.of(known, unknown)) {
            String line = Json.MAPPER.writeValueAsString(ProgressEntry.success("toy/0/mlp/1", r, 1));
            assertThat(Json.MAPPER.readValue(line, ProgressEntry.class).result()).isEqualTo(r);
        }
        assertThat(Json.MAPPER.writeValueAsString(known)).contains("\"tokens\":5300").contains("\"simulator\":\"llm-json:m\"");
        assertThat(Json.MAPPER.writeValueAsString(unknown)).contains("\"tokens\":\"unknown\"");
        // a line written before these fields existed still loads
        String old = "{\"feature\":\"toy/0/mlp/1\",\"ok\":true,\"finishedAt\":1,\"result\":{\"explanation\":\"x\",\"explainer\":\"statistical\","
                + "\"simulation\":0.5,\"maxActivation\":2.0,\"topTokens\":[]}}";
        FeatureResult r = Json.MAPPER.readValue(old, ProgressEntry.class).result();
        assertThat(r.simulator()).isNull();
        assertThat(r.tokens()).isNull();
    }

    @Test
    void aTornLastLineIsIgnoredAndCutOff() throws Exception {
        Path log = dir.resolve("progress.log");
        try (ProgressLog p = ProgressLog.openForAppend(log)) {
            p.append(ProgressEntry.success("toy/0/mlp/1", work("toy/0/mlp/1"), 1));
            p.append(ProgressEntry.failure("toy/0/mlp/9", "boom", 2));
        }
        Files.write(log, "{\"feature\":\"toy/0/mlp/2\",\"ok\":tr".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        assertThat(ProgressLog.read(log)).extracting(ProgressEntry::feature).containsExactly("toy/0/mlp/1", "toy/0/mlp/9");
        try (ProgressLog p = ProgressLog.openForAppend(log)) {
            p.append(ProgressEntry.success("toy/0/mlp/2", work("toy/0/mlp/2"), 3));
        }
        List<ProgressEntry> entries = ProgressLog.read(log);
        assertThat(entries).extracting(ProgressEntry::feature).containsExactly("toy/0/mlp/1", "toy/0/mlp/9", "toy/0/mlp/2");
        assertThat(entries.getFirst().result()).isEqualTo(work("toy/0/mlp/1"));
        assertThat(entries.get(1).error()).isEqualTo("boom");
        assertThat(Files.readAllLines(log)).hasSize(3).allMatch(l -> l.startsWith("{") && l.endsWith("}"));
    }

    @Test
    void theCausalFlagIsParsedStrictlyAndKeptInJobJson() throws Exception {
        assertThat(AuditRequest.fromJson(JSON.readTree("{\"model\":\"toy\"}")).causal()).isFalse();
        assertThat(AuditRequest.fromJson(JSON.readTree("{\"model\":\"toy\",\"causal\":null}")).causal()).isFalse();
        AuditRequest causal = AuditRequest.fromJson(JSON.readTree("{\"model\":\"toy\",\"causal\":true}"));
        assertThat(causal.causal()).isTrue();
        assertThat(AuditRequest.fromJson(causal.toJson())).isEqualTo(causal);
        for (String bad : new String[]{"\"yes\"", "1", "[true]", "{}"}) {
            assertThatThrownBy(() -> AuditRequest.fromJson(JSON.readTree("{\"model\":\"toy\",\"causal\":" + bad + "}")))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessage("causal must be true or false");
        }
        // a job.json written before the flag existed reads as "no causal check"
        JobRecord before = JSON.readValue("""
                {"id":"a1","request":{"model":"toy","layers":[],"kind":"mlp","features":"all","explainer":"statistical",
                "simulator":"statistical","concurrency":1,"watchedConcepts":[]},"state":"running","total":3,"createdAt":1}""",
                JobRecord.class);
        assertThat(before.auditRequest().causal()).isFalse();

        List<Boolean> seen = new CopyOnWriteArrayList<>();
        try (AuditJobs jobs = new AuditJobs(dir, SPACE, (r, f) -> {
            seen.add(r.causal());
            return work(f);
        })) {
            String id = jobs.submit(AuditRequest.fromJson(JSON.readTree("{\"model\":\"toy\",\"layers\":[0],\"features\":\"0-2\",\"causal\":true}")));
            assertThat(jobs.awaitFinished(id, Duration.ofSeconds(30))).isTrue();
            assertThat(JSON.readTree(dir.resolve(id).resolve("job.json").toFile()).at("/request/causal").asBoolean()).isTrue();
            assertThat(jobs.results(id).request().causal()).isTrue();
        }
        assertThat(seen).containsExactly(true, true, true);
    }

    @Test
    void theWindowsOptionIsParsedStrictlyAndKeptInJobJsonForTheTask() throws Exception {
        assertThat(AuditRequest.fromJson(JSON.readTree("{\"model\":\"toy\"}")).windows()).isNull();
        AuditRequest more = AuditRequest.fromJson(JSON.readTree("{\"model\":\"toy\",\"windows\":60}"));
        assertThat(more.windows()).isEqualTo(60);
        assertThat(AuditRequest.fromJson(more.toJson())).isEqualTo(more);
        assertThat(more.toJson().has("windows")).isTrue();
        assertThat(AuditRequest.fromJson(JSON.readTree("{\"model\":\"toy\"}")).toJson().has("windows")).isFalse();
        for (String bad : new String[]{"0", "1001", "-3"}) {
            assertThatThrownBy(() -> AuditRequest.fromJson(JSON.readTree("{\"model\":\"toy\",\"windows\":" + bad + "}")))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("windows must lie in [1, 1000]");
        }
        assertThatThrownBy(() -> AuditRequest.fromJson(JSON.readTree("{\"model\":\"toy\",\"windows\":\"many\"}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("windows must be an integer");
        List<Integer> seen = new CopyOnWriteArrayList<>();
        try (AuditJobs jobs = new AuditJobs(dir, SPACE, (r, f) -> {
            seen.add(r.windows());
            return work(f);
        })) {
            String id = jobs.submit(AuditRequest.fromJson(JSON.readTree("{\"model\":\"toy\",\"layers\":[0],\"features\":\"0-1\",\"windows\":40}")));
            assertThat(jobs.awaitFinished(id, Duration.ofSeconds(30))).isTrue();
            assertThat(JSON.readTree(dir.resolve(id).resolve("job.json").toFile()).at("/request/windows").asInt()).isEqualTo(40);
        }
        assertThat(seen).containsExactly(40, 40);
    }

    @Test
    void progressLinesWrittenBeforeTheCausalFieldStillLoad() throws Exception {
        Path log = dir.resolve("progress.log");
        Files.writeString(log, """
                {"feature":"toy/0/mlp/1","ok":true,"result":{"explanation":"commas","explainer":"statistical","simulation":0.5,"detection":null,"embeddingScore":null,"maxActivation":2.0,"topTokens":[","],"dead":false},"error":null,"finishedAt":1}
                """);
        List<ProgressEntry> entries = ProgressLog.read(log);
        assertThat(entries).hasSize(1);
        assertThat(entries.getFirst().result().causal()).isNull();
        assertThat(entries.getFirst().result().simulation()).isEqualTo(0.5);
        // and a new line round-trips its causal score
        try (ProgressLog p = ProgressLog.openForAppend(log)) {
            p.append(ProgressEntry.success("toy/0/mlp/2", new FeatureResult("x", "statistical", 0.4, null, null, 0.25, 1, List.of()), 2));
        }
        assertThat(ProgressLog.read(log).get(1).result().causal()).isEqualTo(0.25);
    }

    @Test
    void progressLinesKeepEveryScoresIntervalAndOldLinesLoadWithoutOne() throws Exception {
        Path log = dir.resolve("progress.log");
        // a line as audits wrote it before intervals (and before fuzzing and intruder)
        Files.writeString(log, """
                {"feature":"toy/0/mlp/1","ok":true,"result":{"explanation":"commas","explainer":"statistical","simulation":0.5,"detection":0.7,"embeddingScore":0.6,"causal":0.2,"maxActivation":2.0,"topTokens":[","],"simulator":"statistical","usage":null,"inputTokens":null,"outputTokens":null,"dead":false,"tokens":null},"error":null,"finishedAt":1}
                """);
        FeatureResult old = ProgressLog.read(log).getFirst().result();
        assertThat(old.intervals()).isEqualTo(ScoreIntervals.NONE);
        assertThat(old.fuzzing()).isNull();
        assertThat(old.intruder()).isNull();
        assertThat(old.detection()).isEqualTo(0.7);

        ScoreIntervals ci = new ScoreIntervals(new ScoreIntervals.Ci(0.48, 0.74, 40), new ScoreIntervals.Ci(0.6, 0.8, 40),
                new ScoreIntervals.Ci(null, null, 40), new ScoreIntervals.Ci(-0.1, 0.5, 20), new ScoreIntervals.Ci(0.55, 0.9, 20), null);
        FeatureResult fresh = new FeatureResult("x", "statistical", 0.62, 0.7, 0.5, 0.2, 1, List.of("a"))
                .withJudges(0.72, 0.4).withIntervals(ci);
        try (ProgressLog p = ProgressLog.openForAppend(log)) {
            p.append(ProgressEntry.success("toy/0/mlp/2", fresh, 2));
        }
        String line = Files.readAllLines(log).get(1);
        assertThat(line).contains("\"simulation\":{\"ci95\":[0.48,0.74],\"n\":40}")
                .contains("\"embedding\":{\"ci95\":null,\"n\":40}").contains("\"intruder\":null");
        FeatureResult back = ProgressLog.read(log).get(1).result();
        assertThat(back).isEqualTo(fresh);
        assertThat(back.intervals().simulation().width()).isCloseTo(0.26, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(back.intervals().embedding().hasBounds()).isFalse();
        assertThatThrownBy(() -> new ScoreIntervals.Ci(0.7, 0.2, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theReportAggregatesAndPlotsTheIntervals() throws Exception {
        // feature n: simulation 1 - n/50 with an interval of half-width 0.05 + n/100; detection [0.45, 0.55] for odd n
        FeatureTask task = (r, f) -> {
            FeatureResult w = work(f);
            int n = Integer.parseInt(f.substring(f.lastIndexOf('/') + 1));
            if (w.dead()) return w;
            double s = w.simulation(), half = 0.05 + n / 100.0;
            ScoreIntervals.Ci det = n % 2 == 1 ? new ScoreIntervals.Ci(0.45, 0.55, 40) : new ScoreIntervals.Ci(0.6, 0.9, 40);
            return new FeatureResult(w.explanation(), w.explainer(), s, 0.7, null, null, w.maxActivation(), w.topTokens())
                    .withIntervals(new ScoreIntervals(new ScoreIntervals.Ci(s - half, Math.min(1, s + half), 40), det, null, null, null, null));
        };
        try (AuditJobs jobs = new AuditJobs(dir, SPACE, task)) {
            String id = jobs.submit(request("\"0-19\"", 2, List.of(0, 1)));
            assertThat(jobs.awaitFinished(id, Duration.ofSeconds(30))).isTrue();
            AuditReport report = AuditReport.of(jobs.results(id));
            List<Integer> alive = new ArrayList<>();
            for (int n = 0; n < 20; n++) if (n % 10 != 9 && n % 7 != 6) alive.add(n);
            AuditReport.IntervalSummary l0 = report.layers().get(0).intervals();
            assertThat(l0.simulationIntervals()).isEqualTo(alive.size());
            double width = alive.stream().mapToDouble(n -> Math.min(1, 1 - n / 50.0 + 0.05 + n / 100.0) - (1 - n / 50.0 - 0.05 - n / 100.0))
                    .average().orElseThrow();
            assertThat(l0.meanSimulationWidth()).isCloseTo(width, org.assertj.core.data.Offset.offset(1e-9));
            long good = alive.stream().filter(n -> 1 - n / 50.0 - 0.05 - n / 100.0 >= 0.5).count();
            assertThat(l0.simulationLowAtLeastGood()).isEqualTo((int) good).isPositive().isLessThan(alive.size());
            assertThat(l0.simulationLowAboveZero()).isEqualTo(alive.size());
            assertThat(l0.detectionLowAboveHalf()).isEqualTo((int) alive.stream().filter(n -> n % 2 == 0).count());
            assertThat(report.intervals().simulationIntervals()).isEqualTo(2 * alive.size());
            List<AuditReport.ScorePoint> sorted = report.layers().get(1).sorted();
            assertThat(sorted).hasSize(alive.size());
            assertThat(sorted.getFirst().feature()).isEqualTo("toy/1/mlp/0");
            assertThat(sorted.getFirst().lo()).isCloseTo(0.95, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(report.best().getFirst().intervals().simulation().lo()).isCloseTo(0.95, org.assertj.core.data.Offset.offset(1e-9));

            String html = HtmlReport.render(report);
            // best/worst tables: the score with its interval; the plots: one bar and one dot per scored feature
            assertThat(html).contains("<td class=\"num\">1.00 [0.95, 1.00]</td>").contains("Sorted scores with 95% intervals")
                    .contains("Lower bound ≥ 0.5").doesNotContain("causal");
            assertThat(html.split("<line class=\"ci\"", -1)).hasSize(2 * alive.size() + 1);
            assertThat(html.split("<circle class=\"pt\"", -1)).hasSize(2 * alive.size() + 1);
            assertThat(html.split("<line class=\"good\"", -1)).hasSize(3); // the 0.5 line, once per layer's plot
            String json = new ObjectMapper().writeValueAsString(report);
            assertThat(JSON.readTree(json).at("/best/0/intervals/simulation/ci95/0").asDouble()).isCloseTo(0.95, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(JSON.readTree(json).at("/layers/0/intervals/simulationLowAtLeastGood").asInt()).isEqualTo((int) good);
        }
    }

    @Test
    void aLayerPlotKeepsAtMostTwoHundredEvenlySpacedRanks() {
        List<AuditReport.ScorePoint> points = new ArrayList<>();
        for (int i = 0; i < 1000; i++) points.add(new AuditReport.ScorePoint("toy/0/mlp/" + i, i / 1000.0, null, null));
        List<AuditReport.ScorePoint> kept = AuditReport.plotPoints(points);
        assertThat(kept).hasSize(AuditReport.PLOT_POINTS);
        assertThat(kept.getFirst().score()).isEqualTo(0.999);
        assertThat(kept.getLast().score()).isEqualTo(0.0);
        assertThat(kept).isSortedAccordingTo(java.util.Comparator.comparingDouble(AuditReport.ScorePoint::score).reversed());
    }

    @Test
    void aCausalAuditReportsMeanCausalByLayerAndItsCorrelationWithSimulation() throws Exception {
        // causal falls with the index like the simulation score, but not linearly
        FeatureTask task = (r, f) -> {
            FeatureResult w = work(f);
            int n = Integer.parseInt(f.substring(f.lastIndexOf('/') + 1));
            Double causal = r.causal() && !w.dead() ? 0.9 - (n * n) / 400.0 : null;
            return new FeatureResult(w.explanation(), w.explainer(), w.simulation(), null, null, causal, w.maxActivation(), w.topTokens());
        };
        try (AuditJobs jobs = new AuditJobs(dir, SPACE, task)) {
            String id = jobs.submit(AuditRequest.fromJson(JSON.readTree(
                    "{\"model\":\"toy\",\"layers\":[0,1],\"features\":\"0-19\",\"causal\":true,\"concurrency\":2}")));
            assertThat(jobs.awaitFinished(id, Duration.ofSeconds(30))).isTrue();
            AuditReport report = AuditReport.of(jobs.results(id));
            List<Integer> alive = new ArrayList<>();
            for (int n = 0; n < 20; n++) if (n % 10 != 9 && n % 7 != 6) alive.add(n);
            double mean = alive.stream().mapToDouble(n -> 0.9 - (n * n) / 400.0).average().orElseThrow();
            AuditReport.LayerSummary l1 = report.layers().get(1);
            assertThat(l1.causalScored()).isEqualTo(alive.size());
            assertThat(l1.meanCausal()).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(report.meanCausal()).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-9));
            double[] sim = alive.stream().mapToDouble(n -> 1 - n / 50.0).toArray();
            double[] cau = alive.stream().mapToDouble(n -> 0.9 - (n * n) / 400.0).toArray();
            double[] simBoth = new double[sim.length * 2], cauBoth = new double[cau.length * 2];
            for (int i = 0; i < sim.length; i++) {
                simBoth[i] = simBoth[i + sim.length] = sim[i];
                cauBoth[i] = cauBoth[i + cau.length] = cau[i];
            }
            assertThat(report.causalCorrelation()).isCloseTo(lantern.eval.score.Pearson.of(simBoth, cauBoth),
                    org.assertj.core.data.Offset.offset(1e-9)).isBetween(0.9, 1.0).isLessThan(1.0);
            assertThat(report.best().getFirst().causal()).isEqualTo(0.9);
            assertThat(report.dead()).allSatisfy(d -> assertThat(d.causal()).isNull());

            String html = HtmlReport.render(report);
            assertThat(html).contains("<th>Mean causal</th>").contains("<th>Causal [95% CI]</th>")
                    .contains("Layer 1: mean causal " + String.format(java.util.Locale.ROOT, "%.3f", mean));
        }
    }

    @Test
    void reportSummarisesLayersBestWorstDeadAndWatchedConcepts() throws Exception {
        try (AuditJobs jobs = new AuditJobs(dir, SPACE, (r, f) -> {
            if (f.equals("toy/1/mlp/3")) {
                return new FeatureResult("<script>alert(1)</script> tags", "statistical", 0.95, null, null, null, 1, List.of());
            }
            return work(f);
        })) {
            String id = jobs.submit(request("\"0-19\"", 2, List.of(0, 1)));
            assertThat(jobs.awaitFinished(id, Duration.ofSeconds(30))).isTrue();
            AuditReport report = AuditReport.of(jobs.results(id));
            // per layer: 20 features, 2 failures (9, 19), dead ones are 6 and 13 (n % 7 == 6)
            assertThat(report.layers()).containsOnlyKeys(0, 1);
            AuditReport.LayerSummary l0 = report.layers().get(0);
            assertThat(l0.features()).isEqualTo(20);
            assertThat(l0.dead()).isEqualTo(2);
            assertThat(l0.scored()).isEqualTo(16);
            assertThat(java.util.Arrays.stream(l0.histogram()).sum()).isEqualTo(16);
            List<Double> scores = new ArrayList<>();
            for (int n = 0; n < 20; n++) if (n % 10 != 9 && n % 7 != 6) scores.add(1 - n / 50.0);
            assertThat(l0.meanScore()).isCloseTo(scores.stream().mapToDouble(d -> d).average().orElseThrow(),
                    org.assertj.core.data.Offset.offset(1e-9));
            assertThat(report.best().getFirst().feature()).isEqualTo("toy/0/mlp/0");
            assertThat(report.worst().getFirst().score()).isEqualTo(1 - 18 / 50.0);
            assertThat(report.dead()).extracting(AuditReport.FeatureLine::feature)
                    .containsExactly("toy/0/mlp/13", "toy/0/mlp/6", "toy/1/mlp/13", "toy/1/mlp/6");
            assertThat(report.watched().get("toy/1/")).hasSize(15); // "explains toy/1/..." minus 2 failed, 2 dead, 1 reworded
            assertThat(report.failures()).hasSize(4);

            String html = HtmlReport.render(report);
            assertThat(report.meanCausal()).isNull();
            assertThat(report.causalCorrelation()).isNull();
            assertThat(report.layers().get(0).meanCausal()).isNull();
            assertThat(html).doesNotContain("causal").doesNotContain("Causal"); // not asked for: not shown
            assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("Layer 0").contains("Dead features (4)")
                    .contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>")
                    .doesNotContain("http://cdn").doesNotContain("src=");
        }
    }
}
