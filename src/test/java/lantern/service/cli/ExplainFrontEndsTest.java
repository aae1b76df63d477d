package lantern.service.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import lantern.core.ExplainFeature;
import lantern.core.ExplainHere;
import lantern.core.ExplanationResult;
import lantern.core.ExplanationService;
import lantern.core.ExplanationStore;
import lantern.core.LoadedModels;
import lantern.core.spark.ExplainTask;
import lantern.api.FeatureRecords;
import lantern.explainer.explain.RecordSplitter;
import lantern.collect.testing.Records;
import lantern.index.IndexedExplanation;
import lantern.service.CausalService;
import lantern.service.SearchService;
import lantern.service.Services;
import lantern.service.spark.SparkEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Explaining a feature is one use case ({@link ExplainFeature}) under three front ends: the REST call and audits
 * (the app's producer in {@link Services}), {@code lantern explain} ({@link ExplainCommand#produce}) and the Spark
 * engine (the same producer with the engine on Spark: {@code SparkAudits} ships the request as
 * {@link ExplainTask} JSON, an executor runs {@link ExplainTask#run} on its own services and answers in JSON). Each
 * front end explains the same records into its own data folder; the explanations they keep and the index documents
 * they hand the index must be the same (the timestamps aside: each run stamps its own).
 */
class ExplainFrontEndsTest {
    static final ObjectMapper M = new ObjectMapper();
    static LoadedModels models;

    @TempDir
    Path rest, cli, spark;

    @BeforeAll
    static void load() {
        models = new LoadedModels(Path.of("target/explain-front-ends-models"));
    }

    @AfterAll
    static void close() {
        models.close();
    }

    /** The index documents a front end made (the search service's own document builder, timestamps zeroed). */
    static final class Documents extends SearchService {
        final List<IndexedExplanation> docs = new ArrayList<>();

        @Override
        public void indexAndCommit(ExplanationResult e, List<String> topTokens) {
            docs.add(SearchService.indexed(e, topTokens, new float[]{1f}, 0L));
        }
    }

    /** A Spark engine whose driver round trip is the executor's side run here: JSON in, JSON out. */
    static final class InProcessSpark extends SparkEngine {
        final Path dataDir;
        int calls;

        InProcessSpark(Path dataDir) {
            this.dataDir = dataDir;
            use(SPARK, "local[1]");
        }

        @Override
        public JsonNode call(String op, JsonNode args, Consumer<JsonNode> progress) {
            calls++;
            assertThat(op).isEqualTo("explain-feature");
            try {
                return M.readTree(ExplainTask.run(M.writeValueAsString(args), dataDir, Map.of()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static final class LocalEngine extends SparkEngine {
        LocalEngine() {
            use(LOCAL, null);
        }
    }

    static FeatureRecords records() {
        // fires on plural nouns of ca01 (a rule the statistical explainer finds), random windows from cb02
        return Records.build("ca01", "cb02", 40, 20, (w, i) -> w.get(i).tag().equals("NNS") ? 3f : 0f);
    }

    @Test
    void restCliAndSparkKeepAndIndexTheSameExplanation() throws Exception {
        FeatureRecords records = records();
        ExplainFeature.Options options = new ExplainFeature.Options(null, null, false, 12);

        // REST and audits: the app's producer, engine local
        Documents restDocs = new Documents();
        ExplanationService restService = new ExplanationService(rest, Optional.empty(), models.embedder());
        new Services().explainFeature(restService, new CausalService(), new LocalEngine(), restDocs).explain(records, options);

        // lantern explain: the command's own path, with the service it builds (--windows 12)
        Documents cliDocs = new Documents();
        new ExplainHere(cli).explain(records, new ExplainHere.Request(records.id().toString(), null, null, "statistical",
                null, false, true, false, false, 12, java.util.Map.of(), null), cliDocs::indexAndCommit);

        // Spark: the same producer with the engine on Spark; the executor keeps nothing, the app keeps and indexes
        Documents sparkDocs = new Documents();
        InProcessSpark engine = new InProcessSpark(spark.resolve("executor"));
        ExplanationService appService = new ExplanationService(spark, Optional.empty(), models.embedder());
        new Services().explainFeature(appService, new CausalService(), engine, sparkDocs).explain(records, options);
        assertThat(engine.calls).as("explained on the executor").isEqualTo(1);
        assertThat(new ExplanationStore(spark.resolve("executor")).list(records.id())).as("the executor keeps nothing").isEmpty();

        JsonNode restKept = kept(rest, records), cliKept = kept(cli, records), sparkKept = kept(spark, records);
        assertThat(restKept.path("text").asText()).isNotBlank();
        assertThat(restKept.path("scores").path("simulation").path("value").asDouble()).isGreaterThan(0.9);
        assertThat(restKept.path("scores").path("nHeldOutTop").asInt()).as("12 held-out windows").isEqualTo(12);
        assertThat(cliKept).isEqualTo(restKept);
        assertThat(sparkKept).isEqualTo(restKept);

        assertThat(restDocs.docs).hasSize(1);
        assertThat(cliDocs.docs).hasSize(1);
        assertThat(sparkDocs.docs).hasSize(1);
        IndexedExplanation doc = restDocs.docs.getFirst();
        assertThat(doc.topTokens()).isNotEmpty();
        assertThat(cliDocs.docs.getFirst()).usingRecursiveComparison().isEqualTo(doc);
        assertThat(sparkDocs.docs.getFirst()).usingRecursiveComparison().isEqualTo(doc);
    }

    /** The feature's one kept explanation, as stored, without its timestamp. */
    static JsonNode kept(Path dataDir, FeatureRecords records) {
        List<ExplanationResult> history = new ExplanationStore(dataDir).list(records.id());
        assertThat(history).hasSize(1);
        ObjectNode n = M.valueToTree(history.getFirst());
        n.remove("createdAt");
        return n;
    }
}
