package lantern.service.cli;

import lantern.explainer.collect.ActivationCollector;
import lantern.explainer.collect.ActivationStore;
import lantern.explainer.collect.BertActivationSource;
import lantern.explainer.collect.Chunker;
import lantern.explainer.collect.CollectOptions;
import lantern.explainer.collect.CollectionResult;
import lantern.explainer.collect.TokenStream;
import lantern.explainer.corpus.Corpora;
import lantern.explainer.corpus.Corpus;
import lantern.subject.bert.BertModel;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@CommandLine.Command(name = "collect", mixinStandardHelpOptions = true,
        description = "Runs a corpus through a model once and stores every neuron's statistics and top, random and quantile windows.")
public class CollectCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--model", defaultValue = "minilm-l6", description = "Model id (default: ${DEFAULT-VALUE}).")
    String model;

    @CommandLine.Option(names = "--corpus", defaultValue = "brown", description = "brown, a folder of .txt files or a .jsonl file (default: ${DEFAULT-VALUE}).")
    String corpus;

    @CommandLine.Option(names = "--name", description = "Collection name (default: the corpus name).")
    String name;

    @CommandLine.Option(names = "--layers", description = "Layers, e.g. 0-5 or 1,3 (default: all).")
    String layers;

    @CommandLine.Option(names = "--max-tokens", defaultValue = "0", description = "Stop after this many text tokens (0: whole corpus).")
    long maxTokens;

    @CommandLine.Option(names = "--top-k", defaultValue = "20", description = "Top windows per neuron (default: ${DEFAULT-VALUE}).")
    int topK;

    @CommandLine.Option(names = "--seed", defaultValue = "0", description = "Seed for random and quantile windows.")
    long seed;

    @CommandLine.Option(names = "--batch-size", defaultValue = "32", description = "Sequences per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @CommandLine.Option(names = "--seq-len", defaultValue = "64", description = "Tokens per sequence incl. [CLS]/[SEP] (default: ${DEFAULT-VALUE}).")
    int seqLen;

    @CommandLine.Option(names = "--data", defaultValue = "${LANTERN_DATA:-./lantern-data}", description = "Data folder (default: ${DEFAULT-VALUE}).")
    Path data;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        try (BertModel m = ModelLoader.load(model)) {
            Corpus c = Corpora.open(corpus, data);
            String collection = name != null ? name : c.name();
            CollectOptions opt = CollectOptions.defaults().withLayers(ModelLoader.layers(layers, m.info().layers()))
                    .withTopK(topK).withSeed(seed).withBatchSize(batchSize);
            System.err.printf("loaded %s in %.1f s; chunking %s ...%n", m.info().id(), (System.nanoTime() - t0) / 1e9, c.name());
            long tc = System.nanoTime();
            TokenStream stream = new Chunker(m.tokenizer(), seqLen).chunk(c, maxTokens);
            System.err.printf("%,d tokens in %,d sequences from %,d documents (%.1f s)%n", stream.tokens(), stream.sequences(),
                    stream.docIds().size(), (System.nanoTime() - tc) / 1e9);
            ProgressBar bar = new ProgressBar(System.err);
            CollectionResult result = new ActivationCollector(new BertActivationSource(m), opt).collect(stream, c.name(), bar);
            bar.finish();
            Path dir = ActivationStore.write(data, collection, result, m.tokenizer()::token);
            int neurons = result.layers().length * result.width();
            System.out.printf("collected %,d neurons over %,d tokens in %.1f s (%,.0f tokens/s) -> %s%n", neurons,
                    stream.tokens(), result.seconds(), stream.tokens() / result.seconds(), dir);
            return 0;
        }
    }
}
