package lantern.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.collect.CollectOptions;
import lantern.subject.HookedModel;
import lantern.subject.bert.MiniLm;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A collection on a real standalone cluster (a Master and two Workers on loopback) with one Worker killed -9 while
 * the job runs: Spark reruns the lost ranges on the other Worker and the stored files equal a local collection's,
 * byte for byte.
 */
class CollectClusterIT {
    private static final ObjectMapper M = new ObjectMapper();

    @Test
    void aWorkerKilledMidCollectionChangesNoByte() throws Exception {
        Path sparkData = CollectionFiles.dataFolder("collect-cluster"), localData = CollectionFiles.dataFolder("collect-cluster-local");
        JsonNode r;
        try (LoopbackCluster cluster = LoopbackCluster.start(TestPaths.sparkHome(), TestPaths.target("cluster-logs/collect"), 2, 1, "1g")) {
            JavaSparkContext sc = SparkContexts.create(cluster.masterUrl(), "collect-it", sparkData, Map.of("spark.executor.memory", "768m"));
            try {
                DriverContext ctx = new DriverContext(sc, sparkData, Map.of());
                // 8 ranges of a 48,000-token collection: each range is real work (6,000 tokens, about a second on one
                // executor core), so the kill lands mid-job without any pacing knob in the job's code
                JsonNode args = M.readTree("{\"model\":\"minilm-l6\",\"corpus\":\"brown\",\"name\":\"tiny\",\"layers\":[1,4],"
                        + "\"maxTokens\":48000,\"batchSize\":8,\"partitions\":8}");
                List<JsonNode> progress = new CopyOnWriteArrayList<>();
                CompletableFuture<JsonNode> job = CompletableFuture.supplyAsync(() -> {
                    try {
                        return new CollectOp().run(ctx, args, progress::add);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                long t0 = System.nanoTime();
                // kill Worker 0 once some ranges are back and others are not
                while (progress.stream().noneMatch(p -> p.path("tasksDone").asInt() >= 2) && !job.isDone()
                        && System.nanoTime() - t0 < 180e9) {
                    Thread.sleep(100);
                }
                assertThat(job).as("still running when the worker is killed").isNotDone();
                assertThat(cluster.killWorker(0)).as("the worker and its executor").isGreaterThanOrEqualTo(2);
                r = job.get();
                System.err.printf("collection with a worker killed: %.1f s%n", (System.nanoTime() - t0) / 1e9);
                assertThat(progress).anySatisfy(p -> assertThat(p.path("tasksDone").asInt()).isEqualTo(8));
            } finally {
                sc.stop();
            }
        }
        assertThat(r.path("partitions").asInt()).isEqualTo(8);
        Path local;
        try (HookedModel m = MiniLm.load()) {
            local = CollectionFiles.collectLocally(m, localData, "tiny", CollectOptions.defaults().withLayers(1, 4).withBatchSize(8), 48000);
        }
        CollectionFiles.assertSameFiles(Path.of(r.path("dir").asText()), local);
    }
}
