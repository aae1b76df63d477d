package lantern.core;

import lantern.eval.sae.SaeActivationSource;
import lantern.collect.CheckpointPolicy;
import lantern.collect.CollectOptions;
import lantern.collect.CollectionRun;
import lantern.collect.HookedActivationSource;
import lantern.collect.Progress;
import lantern.corpus.Corpora;
import lantern.corpus.Corpus;
import lantern.subject.HookedModel;
import lantern.subject.sae.SaeStore;
import lantern.subject.transcoder.FeatureDictionaries;
import lantern.subject.transcoder.TranscoderFeatures;
import lantern.subject.transcoder.TranscoderStore;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The collection use case: run a corpus through a model once and store every neuron's (or an SAE's or transcoder's
 * features') statistics and top, random and quantile windows. One method for the CLI and the service; where it runs
 * is the {@link Engine}: this JVM (checkpointed, resumable) or a cluster (the app's Spark engine).
 */
public final class CollectFeatures {
    /**
     * What to collect. {@code layers}: "0-5", "1,3" or blank for all; {@code kind}: null for MLP neurons, an SAE kind
     * ({@code sae-...}) or a transcoder set name given as {@code transcoders} (exactly one of the two, at one layer).
     */
    public record Request(String model, String corpus, String name, String layers, String sae, String transcoders,
                          long maxTokens, int topK, long seed, int batchSize, int seqLen, long checkpointSeconds,
                          boolean restart) {
        public Request {
            if (model == null || model.isBlank()) throw new IllegalArgumentException("a model is required");
            if (corpus == null || corpus.isBlank()) throw new IllegalArgumentException("a corpus is required");
            if (sae != null && transcoders != null) throw new IllegalArgumentException("give --sae or --transcoders, not both");
        }

        /** The feature kind collected: null for MLP neurons. */
        public String kind() {
            return transcoders != null ? TranscoderFeatures.kind(transcoders) : sae;
        }
    }

    /** What was stored, and how long it took. */
    public record Collected(Path dir, String model, long tokens, long neurons, double seconds, double loadSeconds,
                            int partitions, int checkpoints, long lastCheckpointBytes, double checkpointSeconds) {
    }

    /** Where a collection runs besides this JVM. */
    public interface Engine {
        /** A short name for messages ("Spark (spark://...)"). */
        String describe();

        Collected collect(Request request, Consumer<Progress> progress);
    }

    private final Path dataDir;
    private final Engine engine;

    /** @param engine where collections run; null: in this JVM */
    public CollectFeatures(Path dataDir, Engine engine) {
        this.dataDir = dataDir;
        this.engine = engine;
    }

    /** Runs the collection on the engine, or here; {@code notes} get one-line messages (what loaded, resumed). */
    public Collected collect(Request r, Consumer<Progress> progress, Consumer<String> notes) {
        if (engine != null) {
            if (r.kind() != null) {
                throw new IllegalArgumentException("--sae and --transcoders collections run locally: leave out --engine spark / --master");
            }
            notes.accept("collecting on " + engine.describe() + " ...");
            return engine.collect(r, progress);
        }
        CheckpointPolicy checkpoints = CheckpointPolicy.everySeconds(r.checkpointSeconds()).withRestart(r.restart());
        long t0 = System.nanoTime();
        try (HookedModel m = Models.hooked(r.model(), dataDir)) {
            double load = (System.nanoTime() - t0) / 1e9;
            Corpus c = Corpora.open(r.corpus(), dataDir);
            String kind = r.kind();
            String name = r.name() != null ? r.name() : kind != null ? kind + "-l" + r.layers() : c.name();
            int[] layers = LayerSpec.parse(r.layers(), m.info().layers());
            CollectOptions opt = CollectOptions.defaults().withLayers(layers).withTopK(r.topK()).withSeed(r.seed())
                    .withBatchSize(r.batchSize());
            notes.accept(String.format("loaded %s in %.1f s; chunking %s ...", m.info().id(), load, c.name()));
            var run = new CollectionRun(c, name, opt, r.maxTokens(), r.seqLen(), checkpoints);
            CollectionRun.Outcome outcome;
            if (kind != null) {
                if (layers.length != 1) {
                    throw new IllegalArgumentException((r.transcoders() != null ? "--transcoders" : "--sae") + " needs exactly one layer: --layers L");
                }
                try (var saes = new SaeStore(dataDir, m.manager()); var tcs = new TranscoderStore(dataDir, m.manager())) {
                    var source = new SaeActivationSource(m, new FeatureDictionaries(saes, tcs).source(m.info().id(), layers[0], kind));
                    outcome = run.run(m, source, dataDir, progress, notes);
                }
            } else {
                outcome = run.run(m, new HookedActivationSource(m), dataDir, progress, notes);
            }
            var result = outcome.result();
            var written = outcome.checkpoints();
            return new Collected(outcome.dir(), m.info().id(), outcome.stream().tokens(),
                    (long) result.layers().length * result.width(), result.seconds(), load, 1,
                    written.count(), written.lastBytes(), written.seconds());
        }
    }

    /** Whether the corpus is the Chinese one (its concepts and queries differ from Brown's). */
    public static boolean isChinese(String corpus) {
        return lantern.corpus.ChinesePoetryCorpus.NAME.equals(corpus);
    }

    /**
     * The tokens {@code maxTokens} asks for (negative: all) when the data folder holds a collection of every MLP layer
     * of the model over at least that many, else -1; "as many" is what chunking the same budget gives, since the
     * chunker stops on a sentence boundary, so the corpus is chunked only when there is a collection to compare with.
     */
    public static long fullCollectionCovering(HookedModel model, String corpus, Path dataDir, long maxTokens, int sequenceLength) {
        int layers = model.info().layers();
        var full = new FeatureLookup(dataDir).collections().stream()
                .filter(m -> m.model().equals(model.info().id()) && m.kind().equals("mlp")
                        && m.corpus().equals(corpus) && m.layers().size() == layers)
                .toList();
        if (full.isEmpty()) return -1;
        long wanted = new lantern.collect.Chunker(model.tokenizer(), sequenceLength).chunk(Corpora.open(corpus, dataDir), maxTokens).tokens();
        return full.stream().anyMatch(m -> m.tokens() >= wanted) ? wanted : -1;
    }
}
