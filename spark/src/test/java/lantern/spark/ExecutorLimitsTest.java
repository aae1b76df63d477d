package lantern.spark;

import com.fasterxml.jackson.databind.JsonNode;
import lantern.api.FeatureRecords;
import lantern.bench.OpenAiStubServer;
import lantern.core.spark.ExecutorServices;
import lantern.core.spark.ExplainTask;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The LLM load an executor puts on the server is bounded: features at once per executor
 * ({@code lantern.spark.executor-concurrency}) and LLM calls at once per executor ({@code lantern.llm.max-concurrent}),
 * with four Spark task slots (local[4]) all busy. The LLM is a stand-in OpenAI server with a delay.
 */
class ExecutorLimitsTest {
    private static JavaSparkContext sc;
    private static Path data;

    @BeforeAll
    static void start() throws Exception {
        data = Files.createTempDirectory(TestPaths.target("").toFile().toPath(), "limits-");
        sc = SparkContexts.create("local[4]", "limits-test", data, Map.of());
    }

    @AfterAll
    static void stop() {
        if (sc != null) sc.stop();
    }

    private static int[] run(int executorConcurrency, int llmConcurrent) throws Exception {
        try (OpenAiStubServer llm = new OpenAiStubServer(50);
             var threads = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            Map<String, String> settings = new HashMap<>(Map.of("lantern.llm.base-url", llm.baseUrl(), "lantern.llm.model", "stub",
                    "lantern.llm.max-concurrent", Integer.toString(llmConcurrent),
                    "lantern.spark.executor-concurrency", Integer.toString(executorConcurrency)));
            DriverContext ctx = new DriverContext(sc, data, settings);
            List<CompletableFuture<JsonNode>> jobs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                FeatureRecords r = SyntheticRecords.firingOn(i, "dogs", i);
                jobs.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return new ExplainFeatureOp().run(ctx, ExplainTask.request(r, "llm", "llm-json", false, null), p -> { });
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, threads));
            }
            for (CompletableFuture<JsonNode> j : jobs) assertThat(ExplainTask.result(j.get()).text()).isEqualTo("plural nouns");
            assertThat(llm.requests()).isGreaterThanOrEqualTo(8);
            return new int[]{ExecutorServices.of(data, settings).mostAtOnce(), llm.maxInFlight()};
        }
    }

    @Test
    void oneFeatureAtATimePerExecutorWhenSoCapped() throws Exception {
        int[] one = run(1, 8);
        assertThat(one[0]).as("features at once in the executor").isEqualTo(1);
        int[] four = run(4, 2);
        assertThat(four[0]).as("features at once without that cap").isGreaterThan(1);
        assertThat(four[1]).as("LLM calls at once, capped by lantern.llm.max-concurrent").isLessThanOrEqualTo(2).isPositive();
    }
}
