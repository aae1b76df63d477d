package lantern.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.api.FeatureRecords;
import lantern.core.ExplanationResult;
import lantern.core.ExplanationService;
import lantern.core.LoadedModels;
import lantern.core.spark.ExplainTask;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** An audit's explain-and-score step through Spark (local[2]) gives what the app computes in-process, and keeps nothing. */
class ExplainFeatureOpTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static JavaSparkContext sc;
    private static Path data;

    @BeforeAll
    static void start() throws Exception {
        data = Files.createTempDirectory(TestPaths.target("").toFile().toPath(), "explain-op-");
        sc = SparkContexts.create("local[2]", "explain-op-test", data, Map.of());
    }

    @AfterAll
    static void stop() {
        if (sc != null) sc.stop();
    }

    @Test
    void sparkExplainsAndScoresAsTheAppDoesInProcess() throws Exception {
        FeatureRecords records = SyntheticRecords.firingOn(7, "cat", 7);
        DriverContext ctx = new DriverContext(sc, data, Map.of());
        JsonNode out = new ExplainFeatureOp().run(ctx, ExplainTask.request(records, "statistical", "statistical", false, null), p -> { });
        ExplanationResult viaSpark = ExplainTask.result(out);

        ExplanationResult local;
        try (LoadedModels models = new LoadedModels(data)) {
            local = new ExplanationService(data, Optional.empty(), models.embedder())
                    .explainUnstored(records, "statistical", "statistical", null, null);
        }
        assertThat(viaSpark.text()).contains("cat").isEqualTo(local.text());
        assertThat(viaSpark.explainer()).isEqualTo(local.explainer());
        assertThat(viaSpark.feature()).isEqualTo("minilm-l6/0/mlp/7");
        assertThat((JsonNode) M.valueToTree(viaSpark.scores())).isEqualTo((JsonNode) M.valueToTree(local.scores()));
        assertThat(viaSpark.scores().simulation()).isGreaterThan(0.5);
        assertThat(data.resolve("explanations")).as("executors keep nothing; the app keeps the result").doesNotExist();
    }

    @Test
    void recordsSurviveTheTripToExecutorsExactly() {
        FeatureRecords records = SyntheticRecords.firingOn(3, "birds", 11);
        FeatureRecords back = ExplainTask.records(ExplainTask.request(records, "statistical", null, false, null));
        assertThat((JsonNode) M.valueToTree(back)).isEqualTo((JsonNode) M.valueToTree(records));
        for (int i = 0; i < records.top().size(); i++) {
            assertThat(back.top().get(i).activations()).containsExactly(records.top().get(i).activations());
        }
    }
}
