package lantern.service.cli;

import lantern.cli.ProgressBar;
import lantern.cli.DataOption;
import lantern.core.LayerSpec;
import lantern.core.Models;
import lantern.explainer.collect.HookedActivationSource;
import lantern.explainer.collect.CheckpointPolicy;
import lantern.explainer.collect.CollectionRun;
import lantern.explainer.collect.CollectOptions;
import lantern.explainer.collect.CollectionResult;
import lantern.explainer.collect.TokenStream;
import lantern.explainer.corpus.Corpora;
import lantern.explainer.corpus.Corpus;
import lantern.subject.HookedModel;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@CommandLine.Command(name = "collect", mixinStandardHelpOptions = true,
        description = "Runs a corpus through a model once and stores every neuron's statistics and top, random and quantile windows.")
public class CollectCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--model", defaultValue = "minilm-l6", description = "Model: minilm-l6, bge-small-zh, a decoder registered with 'lantern models add', or a decoder folder / llama2.c .bin (default: ${DEFAULT-VALUE}).")
    String model;

    @CommandLine.Option(names = "--corpus", defaultValue = "brown", description = "brown, chinese-poetry, a folder of .txt files or a .jsonl file (default: ${DEFAULT-VALUE}).")
    String corpus;

    @CommandLine.Option(names = "--name", description = "Collection name (default: the corpus name).")
    String name;

    @CommandLine.Option(names = "--layers", description = "Layers, e.g. 0-5 or 1,3 (default: all).")
    String layers;

    @CommandLine.Option(names = "--sae", description = "Collect this SAE's features instead of MLP neurons, e.g. sae-resid_post-k32 (with --layers L: the SAE's layer); a transcoder kind tc-NAME works too.")
    String sae;

    @CommandLine.Option(names = "--transcoders", description = "Collect the features of this transcoder set (lantern train transcoder --name) at --layers L: feature ids MODEL/L/tc-NAME/i.")
    String transcoders;

    @CommandLine.Option(names = "--max-tokens", defaultValue = "0", description = "Stop after this many text tokens (0: whole corpus).")
    long maxTokens;

    @CommandLine.Option(names = "--top-k", defaultValue = "20", description = "Top windows per neuron (default: ${DEFAULT-VALUE}).")
    int topK;

    @CommandLine.Option(names = "--seed", defaultValue = "0", description = "Seed for random and quantile windows.")
    long seed;

    @CommandLine.Option(names = "--batch-size", defaultValue = "32", description = "Sequences per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @CommandLine.Option(names = "--seq-len", defaultValue = "64", description = "Tokens per sequence incl. [CLS]/[SEP] or BOS: decoders read sequences packed to this context length (default: ${DEFAULT-VALUE}).")
    int seqLen;

    @CommandLine.Option(names = "--checkpoint-seconds", defaultValue = "60",
            description = "Write a checkpoint every this many seconds, so a killed run started again with the same arguments resumes (0: none; default: ${DEFAULT-VALUE}).")
    long checkpointSeconds;

    @CommandLine.Option(names = "--restart", description = "Ignore a checkpoint of an earlier, interrupted run and start from the beginning.")
    boolean restart;

    @CommandLine.Mixin
    DataOption data = new DataOption();

    @CommandLine.Mixin
    EngineOptions engineOptions = new EngineOptions();

    @jakarta.inject.Inject
    lantern.service.spark.SparkEngine engine;

    @Override
    public Integer call() {
        if (transcoders != null) {
            if (sae != null) throw new IllegalArgumentException("give --sae or --transcoders, not both");
            sae = lantern.subject.transcoder.TranscoderFeatures.kind(transcoders);
        }
        if (engine != null) {
            engineOptions.apply(engine);
            if (engine.enabled()) return onSpark();
        } else if (engineOptions.engine != null || engineOptions.master != null) {
            // made without the app's beans (a test): only the local engine is here
            throw new IllegalStateException("--engine/--master need the app's Spark engine (run it through ./lantern)");
        }
        CheckpointPolicy checkpoints = CheckpointPolicy.everySeconds(checkpointSeconds).withRestart(restart);
        long t0 = System.nanoTime();
        try (HookedModel m = Models.hooked(model, data.path())) {
            Corpus c = Corpora.open(corpus, data.path());
            String collection = name != null ? name : sae != null ? sae + "-l" + layers : c.name();
            CollectOptions opt = CollectOptions.defaults().withLayers(LayerSpec.parse(layers, m.info().layers()))
                    .withTopK(topK).withSeed(seed).withBatchSize(batchSize);
            System.err.printf("loaded %s in %.1f s; chunking %s ...%n", m.info().id(), (System.nanoTime() - t0) / 1e9, c.name());
            ProgressBar bar = new ProgressBar(System.err);
            var run = new CollectionRun(c, collection, opt, maxTokens, seqLen, checkpoints);
            CollectionRun.Outcome outcome;
            if (sae != null) {
                int[] l = LayerSpec.parse(layers, m.info().layers());
                if (l.length != 1) throw new IllegalArgumentException((transcoders != null ? "--transcoders" : "--sae")
                        + " needs exactly one layer: --layers L");
                try (var saes = new lantern.subject.sae.SaeStore(data.path(), m.manager());
                     var tcs = new lantern.subject.transcoder.TranscoderStore(data.path(), m.manager())) {
                    var source = new lantern.eval.sae.SaeActivationSource(m,
                            new lantern.subject.transcoder.FeatureDictionaries(saes, tcs).source(m.info().id(), l[0], sae));
                    outcome = run.run(m, source, data.path(), bar, bar::note);
                }
            } else {
                outcome = run.run(m, new HookedActivationSource(m), data.path(), bar, bar::note);
            }
            bar.finish();
            TokenStream stream = outcome.stream();
            CollectionResult result = outcome.result();
            Path dir = outcome.dir();
            int neurons = result.layers().length * result.width();
            System.out.printf("collected %,d neurons over %,d tokens in %.1f s (%,.0f tokens/s) -> %s%n", neurons,
                    stream.tokens(), result.seconds(), stream.tokens() / result.seconds(), dir);
            var written = outcome.checkpoints();
            if (written.count() > 0) {
                System.out.printf("wrote %d checkpoints (the last %.0f MB) in %.2f s; deleted now that the collection is stored%n",
                        written.count(), written.lastBytes() / 1e6, written.seconds());
            }
            return 0;
        }
    }

    /** The same collection on Spark: executors collect ranges of batches, the driver merges and stores (no checkpoints: Spark reruns lost tasks). */
    private int onSpark() {
        if (sae != null) throw new IllegalArgumentException("--sae and --transcoders collections run locally: leave out --engine spark / --master");
        String corpusName = corpus;
        var run = new lantern.service.spark.SparkCollections(model, corpusName, name,
                LayerSpec.list(layers).stream().mapToInt(Integer::intValue).toArray(), topK, seed, batchSize, maxTokens, seqLen);
        System.err.printf("collecting on Spark (%s) ...%n", engine.master());
        ProgressBar bar = new ProgressBar(System.err);
        var stored = run.run(engine, bar);
        bar.finish();
        System.out.printf("collected %,d neurons over %,d tokens in %.1f s (%,.0f tokens/s; %d partitions on Spark) -> %s%n",
                stored.neurons(), stored.tokens(), stored.seconds(), stored.tokens() / stored.seconds(), stored.partitions(), stored.dir());
        return 0;
    }
}
