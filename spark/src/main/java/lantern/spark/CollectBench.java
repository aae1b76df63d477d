package lantern.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import lantern.collect.ActivationStore;
import lantern.collect.CheckpointPolicy;
import lantern.collect.CollectOptions;
import lantern.collect.CollectionRun;
import lantern.corpus.Corpora;
import lantern.subject.HookedModel;
import lantern.subject.bert.MiniLm;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Measures one MiniLM collection (all layers, Brown) locally and on a standalone cluster on 127.0.0.1 of 1, 2, ...
 * one-core Workers, and checks that every Spark collection's files equal the local one's. The cluster's start and the
 * executors' JVM start are outside the timings (a warm-up job brings the executors up); loading the model on each
 * executor is inside.
 *
 * <p>{@code java @spark/target/spark-home/driver.args -Xmx2g lantern.spark.CollectBench [--tokens 200000]
 * [--workers 1,2] [--data ./lantern-data] [--executor-memory 1500m] [--keep]} (with {@code SPARK_LOCAL_IP=127.0.0.1}).
 */
public final class CollectBench {
    private static final ObjectMapper M = new ObjectMapper();

    private CollectBench() {
    }

    public static void main(String[] args) throws Exception {
        long tokens = 200_000;
        String workers = "1,2";
        Path data = Path.of("./lantern-data");
        String executorMemory = "1500m";
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--tokens" -> tokens = Long.parseLong(args[++i]);
                case "--workers" -> workers = args[++i];
                case "--data" -> data = Path.of(args[++i]);
                case "--executor-memory" -> executorMemory = args[++i];
                case "--keep" -> keep = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        data = data.toAbsolutePath().normalize();
        Path sparkHome = Path.of(System.getProperty("lantern.spark.home", "spark/target/spark-home")).toAbsolutePath();
        System.out.printf("MiniLM, all layers, %,d Brown tokens; %s; %d CPU threads%n", tokens, cpu(),
                Runtime.getRuntime().availableProcessors());

        long t0 = System.nanoTime();
        Path local;
        double localSecs;
        try (HookedModel m = MiniLm.load()) {
            var outcome = new CollectionRun(Corpora.open("brown", data), "bench-local", CollectOptions.defaults(), tokens, 64,
                    CheckpointPolicy.off()).run(m, data, null);
            local = outcome.dir();
            localSecs = outcome.result().seconds();
            tokens = outcome.stream().tokens();
        }
        System.out.printf("local engine (one JVM, %s PyTorch threads): %.1f s collecting (%.0f s with model load), %,.0f tokens/s%n",
                System.getProperty("ai.djl.pytorch.num_threads", "default"), localSecs, (System.nanoTime() - t0) / 1e9,
                tokens / localSecs);

        for (String w : workers.split(",")) {
            int n = Integer.parseInt(w.trim());
            try (LoopbackCluster cluster = LoopbackCluster.start(sparkHome, Path.of("spark/target/cluster-logs/bench-" + n), n, 1, "2g")) {
                JavaSparkContext sc = SparkContexts.create(cluster.masterUrl(), "collect-bench", data,
                        Map.of("spark.executor.memory", executorMemory));
                try {
                    DriverContext ctx = new DriverContext(sc, data, Map.of());
                    new PingOp().run(ctx, M.readTree("{\"n\":10,\"partitions\":" + (2 * n) + ",\"sleepMs\":500}"), p -> { });
                    ObjectNode a = M.createObjectNode().put("model", "minilm-l6").put("corpus", "brown")
                            .put("name", "bench-spark-" + n).put("maxTokens", tokens);
                    long s0 = System.nanoTime();
                    JsonNode r = new CollectOp().run(ctx, a, p -> { });
                    double secs = (System.nanoTime() - s0) / 1e9;
                    Path dir = Path.of(r.path("dir").asText());
                    System.out.printf("spark, %d worker(s) x 1 core (%d partitions): %.1f s (model load on executors and the "
                                    + "driver's quantile pass included), %,.0f tokens/s; merged state %.0f MB; files identical to local: %s%n",
                            n, r.path("partitions").asInt(), secs, tokens / secs, r.path("stateBytes").asLong() / 1e6, sameFiles(dir, local));
                    if (!keep) ActivationStore.deleteTree(dir);
                } finally {
                    sc.stop();
                }
            }
        }
        if (!keep) ActivationStore.deleteTree(local);
        System.exit(0);
    }

    /** Whether every file but manifest.json (which holds times) is equal, byte for byte. */
    static String sameFiles(Path a, Path b) throws IOException {
        List<String> names = list(b);
        if (!list(a).equals(names)) return "no (other files)";
        for (String n : names) {
            if (n.equals("manifest.json")) continue;
            if (Files.mismatch(a.resolve(n), b.resolve(n)) != -1) return "no (" + n + " differs)";
        }
        return "yes (" + names.size() + " files)";
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String cpu() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }
}
