package lantern.service.spark;

import lantern.core.spark.ExplainTask;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import lantern.collect.Progress;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A collection on Spark: the driver's {@code collect} op (lantern.spark.CollectOp) chunks the corpus, has the
 * executors collect contiguous ranges of the plan's batches, merges their states exactly and stores the collection
 * in the data folder as a local collection does (the same files, byte for byte). MLP neurons only; an SAE's
 * features are collected locally.
 *
 * @param model     minilm-l6 or a decoder every worker loads from the same data folder
 * @param layers    layers (empty or null: all)
 * @param maxTokens stop after this many text tokens (0: the whole corpus)
 */
public record SparkCollections(String model, String corpus, String name, int[] layers, int topK, long seed,
                               int batchSize, long maxTokens, int seqLen) {
    public static final String OP = "collect";
    private static final ObjectMapper M = new ObjectMapper();

    /** What the driver stored. */
    public record Stored(Path dir, long tokens, long neurons, double seconds, int partitions) {
    }

    public Stored run(SparkEngine engine, Consumer<Progress> progress) {
        ObjectNode args = M.createObjectNode().put("model", model).put("corpus", corpus).put("topK", topK)
                .put("seed", seed).put("batchSize", batchSize).put("maxTokens", maxTokens).put("seqLen", seqLen);
        if (name != null) args.put("name", name);
        if (layers != null && layers.length > 0) {
            var a = args.putArray("layers");
            for (int l : layers) a.add(l);
        }
        long t0 = System.nanoTime();
        JsonNode r = engine.call(OP, args, progress == null ? null : p -> progress.accept(progress(p, t0)));
        return new Stored(Path.of(r.path("dir").asText()), r.path("tokens").asLong(), r.path("neurons").asLong(),
                r.path("seconds").asDouble(), r.path("partitions").asInt());
    }

    /** A progress report of the driver as the collector's {@link Progress}. */
    static Progress progress(JsonNode p, long startNanos) {
        return Progress.since(p.path("phase").asText("collect"), p.path("tokensDone").asLong(),
                p.path("tokensTotal").asLong(), startNanos, 0);
    }

    /** The collection use case's engine on Spark ({@link lantern.core.CollectFeatures}): MLP neurons, no checkpoints (Spark reruns lost tasks). */
    public record Engine(SparkEngine spark) implements lantern.core.CollectFeatures.Engine {
        @Override
        public String describe() {
            return "Spark (" + spark.master() + ")";
        }

        @Override
        public lantern.core.CollectFeatures.Collected collect(lantern.core.CollectFeatures.Request r, Consumer<Progress> progress) {
            int[] layers = lantern.core.LayerSpec.list(r.layers()).stream().mapToInt(Integer::intValue).toArray();
            Stored s = new SparkCollections(r.model(), r.corpus(), r.name(), layers, r.topK(), r.seed(), r.batchSize(),
                    r.maxTokens(), r.seqLen()).run(spark, progress);
            return new lantern.core.CollectFeatures.Collected(s.dir(), r.model(), s.tokens(), s.neurons(), s.seconds(), 0,
                    s.partitions(), 0, 0, 0);
        }
    }
}
