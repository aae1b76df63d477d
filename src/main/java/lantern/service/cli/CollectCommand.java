package lantern.service.cli;

import lantern.core.CollectFeatures;

import lantern.cli.ProgressBar;
import lantern.cli.DataOption;
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
        CollectFeatures.Engine onCluster = null;
        if (engine != null) {
            engineOptions.apply(engine);
            if (engine.enabled()) onCluster = new lantern.service.spark.SparkCollections.Engine(engine);
        } else if (engineOptions.engine != null || engineOptions.master != null) {
            // made without the app's beans (a test): only the local engine is here
            throw new IllegalStateException("--engine/--master need the app's Spark engine (run it through ./lantern)");
        }
        var request = new CollectFeatures.Request(model, corpus, name, layers, sae, transcoders, maxTokens, topK, seed,
                batchSize, seqLen, checkpointSeconds, restart);
        ProgressBar bar = new ProgressBar(System.err);
        var done = new CollectFeatures(data.path(), onCluster).collect(request, bar, bar::note);
        bar.finish();
        System.out.printf("collected %,d neurons over %,d tokens in %.1f s (%,.0f tokens/s%s) -> %s%n", done.neurons(),
                done.tokens(), done.seconds(), done.tokens() / done.seconds(),
                onCluster != null ? "; " + done.partitions() + " partitions on Spark" : "", done.dir());
        if (done.checkpoints() > 0) {
            System.out.printf("wrote %d checkpoints (the last %.0f MB) in %.2f s; deleted now that the collection is stored%n",
                    done.checkpoints(), done.lastCheckpointBytes() / 1e6, done.checkpointSeconds());
        }
        return 0;
    }
}
