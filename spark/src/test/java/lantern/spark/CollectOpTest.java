package lantern.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.collect.ActivationCollector;
import lantern.collect.Chunker;
import lantern.collect.CollectOptions;
import lantern.collect.CollectionPlan;
import lantern.corpus.Corpora;
import lantern.subject.HookedModel;
import lantern.subject.bert.MiniLm;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A collection on Spark (local[2]) stores the very files a local collection stores. */
class CollectOpTest {
    private static final ObjectMapper M = new ObjectMapper();

    @Test
    void aSparkCollectionStoresByteForByteWhatALocalOneStores() throws Exception {
        Path sparkData = CollectionFiles.dataFolder("collect-spark"), localData = CollectionFiles.dataFolder("collect-local");
        JavaSparkContext sc = SparkContexts.create("local[2]", "collect-op-test", sparkData, Map.of());
        JsonNode r;
        List<JsonNode> progress = new ArrayList<>();
        try {
            JsonNode args = M.readTree("{\"model\":\"minilm-l6\",\"corpus\":\"brown\",\"name\":\"tiny\",\"layers\":[1,4],"
                    + "\"maxTokens\":3000,\"batchSize\":8,\"partitions\":5}");
            r = new CollectOp().run(new DriverContext(sc, sparkData, Map.of()), args, progress::add);
        } finally {
            sc.stop();
        }
        assertThat(r.path("partitions").asInt()).isEqualTo(5);
        assertThat(r.path("tokens").asLong()).isBetween(2900L, 3000L);
        assertThat(r.path("neurons").asLong()).isEqualTo(2 * 1536);
        assertThat(progress).last().satisfies(p -> assertThat(p.path("phase").asText()).isEqualTo("quantile windows"));

        Path local;
        try (HookedModel m = MiniLm.load()) {
            local = CollectionFiles.collectLocally(m, localData, "tiny",
                    CollectOptions.defaults().withLayers(1, 4).withBatchSize(8), 3000);
        }
        CollectionFiles.assertSameFiles(Path.of(r.path("dir").asText()), local);
    }

    @Test
    void rangesCoverEveryBatchOnceInContiguousNonEmptyParts() {
        try (HookedModel m = MiniLm.load()) {
            var stream = Chunker.forModel(m, 64).chunk(Corpora.open("brown", TestPaths.repo().resolve("lantern-data")), 4000);
            CollectionPlan plan = new ActivationCollector(new lantern.collect.HookedActivationSource(m),
                    CollectOptions.defaults().withBatchSize(4)).plan(stream);
            for (int parts : new int[] {1, 2, 3, 7, plan.batchCount(), plan.batchCount() + 5}) {
                List<int[]> ranges = CollectOp.ranges(plan, parts);
                assertThat(ranges).hasSize(Math.min(parts, plan.batchCount()));
                int next = 0;
                for (int[] r : ranges) {
                    assertThat(r[0]).isEqualTo(next);
                    assertThat(r[1]).isGreaterThan(r[0]);
                    next = r[1];
                }
                assertThat(next).isEqualTo(plan.batchCount());
                if (parts == 2) {
                    // about equal tokens: the first half within one batch of half the tokens
                    long half = plan.tokens(0, ranges.getFirst()[1]);
                    assertThat(Math.abs(half - stream.tokens() / 2.0)).isLessThan(4 * 64);
                }
            }
        }
    }
}
