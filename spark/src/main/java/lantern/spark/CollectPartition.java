package lantern.spark;

import lantern.collect.ActivationCollector;
import lantern.collect.CollectOptions;
import lantern.collect.CollectionPlan;
import lantern.collect.CollectorState;
import lantern.collect.HookedActivationSource;
import lantern.collect.TokenStream;
import lantern.subject.HookedModel;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An executor's share of a collection on Spark ({@link CollectOp}): batches {@code [from, to)} of the plan, collected
 * with the model this JVM loaded once, returned as the {@link CollectorState}'s bytes. The token stream comes from
 * the driver (a broadcast of what the model reads: ids, sequence starts, special ids), so every executor builds the
 * very plan the driver made; its fingerprint is checked before any work.
 */
final class CollectPartition implements Function<int[], byte[]> {
    /** Models by data folder and id, loaded once per JVM; concurrent ranges share it (each pass keeps its own cache). */
    private static final Map<String, HookedModel> MODELS = new ConcurrentHashMap<>();
    /** Plans by fingerprint (the driver's own, and each executor's rebuilt one). */
    private static final Map<String, CollectionPlan> PLANS = new ConcurrentHashMap<>();

    private final Setup setup;
    private final Broadcast<ShippedStream> stream;

    CollectPartition(Setup setup, Broadcast<ShippedStream> stream) {
        this.setup = setup;
        this.stream = stream;
    }

    @Override
    public byte[] call(int[] range) throws Exception {
        HookedModel model = model(setup.model, setup.dataDir);
        ActivationCollector collector = new ActivationCollector(new HookedActivationSource(model), setup.options());
        CollectionPlan plan = plan(setup, stream);
        return collector.collect(plan, range[0], range[1], null).toBytes(plan);
    }

    /** By the one model-id policy ({@link lantern.core.Models}): an embedded encoder or a decoder every worker reads, once per JVM. */
    static HookedModel model(String id, String dataDir) {
        return MODELS.computeIfAbsent(dataDir + "\n" + id, k -> lantern.core.Models.hooked(id, Path.of(dataDir)));
    }

    /** Keeps the driver's plan, so merges on the driver use it rather than rebuild it. */
    static void remember(CollectionPlan plan) {
        PLANS.put(plan.fingerprint(), plan);
    }

    static CollectionPlan plan(Setup setup, Broadcast<ShippedStream> stream) {
        return PLANS.computeIfAbsent(setup.fingerprint, f -> {
            HookedModel model = model(setup.model, setup.dataDir);
            CollectionPlan plan = new ActivationCollector(new HookedActivationSource(model), setup.options())
                    .plan(stream.value().toStream());
            if (!plan.fingerprint().equals(f)) {
                throw new IllegalStateException("this executor's plan " + plan.fingerprint() + " is not the driver's " + f
                        + " (another model or Lantern version on this worker?)");
            }
            return plan;
        });
    }

    /** Merges two states of disjoint batch ranges (on executors and, for the last few, on the driver; any order). */
    static final class Merge implements Function2<byte[], byte[], byte[]> {
        private final Setup setup;
        private final Broadcast<ShippedStream> stream;

        Merge(Setup setup, Broadcast<ShippedStream> stream) {
            this.setup = setup;
            this.stream = stream;
        }

        @Override
        public byte[] call(byte[] a, byte[] b) {
            CollectionPlan plan = plan(setup, stream);
            return CollectorState.fromBytes(a, plan).merge(CollectorState.fromBytes(b, plan), plan).toBytes(plan);
        }
    }

    /** What an executor needs besides the stream: the model, the data folder, the options, the plan's fingerprint. */
    record Setup(String model, String dataDir, int[] layers, int topK, int halfWindow, int batchSize, long seed,
                 int randomWindows, double[] quantileLevels, int quantileSamples, int quantileBins, int perBin,
                 int quantileSequences, String fingerprint) implements Serializable {
        Setup(String model, String dataDir, CollectOptions o, String fingerprint) {
            this(model, dataDir, o.layers(), o.topK(), o.halfWindow(), o.batchSize(), o.seed(), o.randomWindows(),
                    o.quantileLevels(), o.quantileSamples(), o.quantileBins(), o.perBin(), o.quantileSequences(),
                    fingerprint);
        }

        CollectOptions options() {
            return new CollectOptions(layers, topK, halfWindow, batchSize, seed, randomWindows, quantileLevels,
                    quantileSamples, quantileBins, perBin, quantileSequences);
        }
    }

    /** What the model reads of a token stream (ids, where sequences start, the special ids around each). */
    record ShippedStream(int[] ids, int[] seqStart, long[] prefix, long[] suffix) implements Serializable {
        static ShippedStream of(TokenStream s) {
            return new ShippedStream(s.ids(), s.seqStart(), s.prefix(), s.suffix());
        }

        /** A stream with these ids and no tags, word starts or document names (the collector does not read them). */
        TokenStream toStream() {
            int sequences = seqStart.length - 1;
            return new TokenStream(ids, new short[ids.length], new boolean[ids.length], seqStart, new int[sequences],
                    List.of(), List.of(""), List.of(""), prefix, suffix);
        }
    }
}
