package lantern.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import lantern.collect.ActivationCollector;
import lantern.collect.ActivationStore;
import lantern.collect.Chunker;
import lantern.collect.CollectOptions;
import lantern.collect.CollectionPlan;
import lantern.collect.CollectionResult;
import lantern.collect.CollectorState;
import lantern.collect.HookedActivationSource;
import lantern.collect.TokenStream;
import lantern.corpus.Corpora;
import lantern.corpus.Corpus;
import lantern.subject.HookedModel;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.JavaSparkStatusTracker;
import org.apache.spark.broadcast.Broadcast;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A collection on Spark ({@code lantern collect --engine spark}). The driver chunks the corpus and makes the
 * collection's {@link CollectionPlan}; the plan's batches are cut into contiguous ranges, one Spark partition each;
 * every executor loads the model once ({@link CollectPartition}) and returns the {@link CollectorState} of its range
 * as bytes; the states are merged in a tree (executors merge groups of them, the driver the last few; the merge is
 * exact, so neither grouping nor order matters), the driver runs the short quantile-window pass and writes the collection through {@link ActivationStore}, as a local
 * collection does: the files are the same, byte for byte. A task lost with its executor is run again by Spark on
 * another; its range is digested from scratch, so a retry changes nothing.
 *
 * <p>{@code args}: {@code model} (minilm-l6 or a decoder every worker can load from the same data folder),
 * {@code corpus}, {@code name}, {@code layers} (array; absent: all), {@code topK}, {@code seed}, {@code batchSize},
 * {@code maxTokens}, {@code seqLen}, {@code partitions} (0: four per executor core). Answers {@code {"dir", "tokens", "neurons", "seconds",
 * "partitions", "batches", "stateBytes"}} (the merged state's size); progress reports are {@code {"phase", "tokensDone", "tokensTotal", "tasksDone",
 * "tasks"}}.
 */
public final class CollectOp implements DriverOp {
    private static final ObjectMapper M = new ObjectMapper();

    @Override
    public String name() {
        return "collect";
    }

    @Override
    public JsonNode run(DriverContext context, JsonNode args, Consumer<JsonNode> progress) throws Exception {
        long t0 = System.nanoTime();
        Path data = context.dataDir();
        String modelId = args.path("model").asText(lantern.subject.EncoderModel.MINILM_ID);
        HookedModel model = CollectPartition.model(modelId, data.toString());
        Corpus corpus = Corpora.open(args.path("corpus").asText("brown"), data);
        String name = args.hasNonNull("name") ? args.get("name").asText() : corpus.name();
        CollectOptions defaults = CollectOptions.defaults();
        CollectOptions opt = defaults.withTopK(args.path("topK").asInt(defaults.topK()))
                .withSeed(args.path("seed").asLong(defaults.seed())).withBatchSize(args.path("batchSize").asInt(defaults.batchSize()));
        if (args.path("layers").isArray() && !args.path("layers").isEmpty()) {
            int[] layers = new int[args.get("layers").size()];
            for (int i = 0; i < layers.length; i++) layers[i] = args.get("layers").get(i).asInt();
            opt = opt.withLayers(layers);
        }
        TokenStream stream = Chunker.forModel(model, args.path("seqLen").asInt(64)).chunk(corpus, args.path("maxTokens").asLong(0));
        ActivationCollector collector = new ActivationCollector(new HookedActivationSource(model), opt);
        CollectionPlan plan = collector.plan(stream);
        JavaSparkContext sc = context.spark();
        int partitions = args.path("partitions").asInt(0);
        if (partitions <= 0) partitions = 4 * sc.defaultParallelism();
        List<int[]> ranges = ranges(plan, partitions);

        CollectPartition.Setup setup = new CollectPartition.Setup(modelId, data.toString(), opt, plan.fingerprint());
        CollectPartition.remember(plan);  // the driver merges with the plan it made
        Broadcast<CollectPartition.ShippedStream> shipped = sc.broadcast(CollectPartition.ShippedStream.of(stream));
        String group = "collect-" + name + "-" + System.nanoTime();
        byte[] merged;
        try {
            CompletableFuture<byte[]> job = CompletableFuture.supplyAsync(() -> {
                sc.setJobGroup(group, "collect " + name + " (" + ranges.size() + " partitions)", true);
                try {
                    // Merged in a tree: executors merge groups of states, the driver the last few (the merge is
                    // exact, so neither the grouping nor the order the results arrive in changes a bit).
                    return sc.parallelize(ranges, ranges.size())
                            .map(new CollectPartition(setup, shipped))
                            .treeReduce(new CollectPartition.Merge(setup, shipped), 2);
                } finally {
                    sc.clearJobGroup();
                }
            });
            merged = await(job, sc.statusTracker(), group, stream.tokens(), ranges.size(), progress);
        } finally {
            shipped.destroy();
        }
        CollectorState state = CollectorState.fromBytes(merged, plan);
        CollectionResult result = collector.finish(plan, state, corpus.name(),
                p -> progress.accept(progressJson(p.phase(), p.tokensDone(), p.tokensTotal(), ranges.size(), ranges.size())), t0);
        Path dir = ActivationStore.write(data, name, result, model.tokenizer()::token, null);
        ObjectNode out = M.createObjectNode().put("dir", dir.toString()).put("tokens", stream.tokens())
                .put("neurons", (long) result.layers().length * result.width()).put("seconds", result.seconds())
                .put("partitions", ranges.size()).put("batches", plan.batchCount()).put("stateBytes", merged.length);
        return out;
    }

    /** Waits for the job, reporting its finished tasks (and tokens, pro rata) every half second. */
    private static byte[] await(CompletableFuture<byte[]> job, JavaSparkStatusTracker tracker, String group, long tokens,
                                int tasks, Consumer<JsonNode> progress) throws Exception {
        int reported = -1;
        while (true) {
            try {
                return job.get(500, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                int done = 0;
                for (int jobId : tracker.getJobIdsForGroup(group)) {
                    var info = tracker.getJobInfo(jobId);
                    if (info == null) continue;
                    for (int stage : info.stageIds()) {
                        var s = tracker.getStageInfo(stage);
                        if (s != null) done += s.numCompletedTasks();
                    }
                }
                done = Math.min(done, tasks);
                if (done != reported) {
                    progress.accept(progressJson("collect", tokens * done / tasks, tokens, done, tasks));
                    reported = done;
                }
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception x ? x : e;
            }
        }
    }

    private static JsonNode progressJson(String phase, long done, long total, int tasksDone, int tasks) {
        return M.createObjectNode().put("phase", phase).put("tokensDone", done).put("tokensTotal", total)
                .put("tasksDone", tasksDone).put("tasks", tasks);
    }

    /**
     * The plan's batches cut into at most {@code parts} contiguous ranges {@code [from, to)} of about equal tokens
     * (none empty).
     */
    static List<int[]> ranges(CollectionPlan plan, int parts) {
        int batches = plan.batchCount();
        parts = Math.max(1, Math.min(parts, batches));
        long total = plan.tokens(0, batches);
        List<int[]> out = new ArrayList<>();
        int from = 0;
        for (int p = 1; p <= parts; p++) {
            int maxTo = batches - (parts - p);  // a batch at least for every later range
            int to = from + 1;
            while (to < maxTo && plan.tokens(0, to) < total * p / parts) to++;
            if (p == parts) to = batches;
            out.add(new int[] {from, to});
            from = to;
        }
        return out;
    }
}
