package lantern.service.cli;

import ai.djl.ndarray.NDManager;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import ai.djl.ndarray.NDArray;
import lantern.explainer.collect.ActivationCollector;
import lantern.explainer.collect.ActivationSource;
import lantern.explainer.collect.BertActivationSource;
import lantern.explainer.collect.Chunker;
import lantern.explainer.collect.CollectOptions;
import lantern.explainer.collect.ForwardingActivationSource;
import lantern.explainer.collect.TokenStream;
import lantern.explainer.corpus.Corpora;
import lantern.subject.Hooks;
import lantern.subject.bert.BertModel;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@CommandLine.Command(name = "forward", mixinStandardHelpOptions = true,
        description = "Tokens/s on the same Brown sequences: (a) ONNX Runtime embedAll, (b) our forward pass, "
                + "(c) our forward pass with all MLP neurons captured and top-k, stats, random windows and samples updated.")
public class BenchForwardCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--tokens", defaultValue = "20000", description = "Text tokens to run (default: ${DEFAULT-VALUE}).")
    long tokens;

    @CommandLine.Option(names = "--batch-size", defaultValue = "32", description = "Sequences per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @CommandLine.Option(names = "--data", defaultValue = "${LANTERN_DATA:-./lantern-data}", description = "Data folder (default: ${DEFAULT-VALUE}).")
    Path data;

    @Override
    public Integer call() {
        try (BertModel model = BertModel.loadMiniLm()) {
            TokenStream stream = new Chunker(model.tokenizer(), 64).chunk(Corpora.open("brown", data), tokens);
            List<String> texts = new ArrayList<>();
            for (int s = 0; s < stream.sequences(); s++) {
                int[] ids = java.util.Arrays.copyOfRange(stream.ids(), stream.seqStart()[s], stream.seqStart()[s + 1]);
                texts.add(model.tokenizer().decode(java.util.Arrays.stream(ids).asLongStream().toArray()));
            }
            long n = stream.tokens();
            System.out.printf("%,d Brown text tokens in %,d sequences of <= 64, batches of %d, %d CPU threads available%n",
                    n, stream.sequences(), batchSize, Runtime.getRuntime().availableProcessors());

            AllMiniLmL6V2EmbeddingModel onnx = new AllMiniLmL6V2EmbeddingModel();
            List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
            // Every path runs once untimed first, so each is timed warm (JIT-compiled Java, touched native buffers).
            double a = warmThenTime(() -> onnx.embedAll(segments));
            double b = warmThenTime(() -> runForward(model, stream));

            CollectOptions opt = CollectOptions.defaults().withBatchSize(batchSize);
            // The quantile-window pass is left out: it reruns a fixed 100 sequences whatever the corpus size.
            CollectOptions noSecondPass = new CollectOptions(opt.layers(), opt.topK(), opt.halfWindow(), opt.batchSize(),
                    opt.seed(), opt.randomWindows(), opt.quantileLevels(), opt.quantileSamples(), opt.quantileBins(), opt.perBin(), 0);
            TimedSource timed = new TimedSource(new BertActivationSource(model));
            double c = warmThenTime(() -> {
                timed.nanos = 0;
                new ActivationCollector(timed, noSecondPass).collect(stream, "brown", null);
            });

            System.out.printf("(a) ONNX Runtime embedAll          %10.0f tokens/s%n", n / a);
            System.out.printf("(b) our forward pass               %10.0f tokens/s   b/a = %.2f%n", n / b, a / b);
            System.out.printf("(c) forward + %,d neurons top-k   %10.0f tokens/s   c/a = %.2f   c/b = %.2f%n",
                    model.info().layers() * model.info().neuronsPerLayer(), n / c, a / c, b / c);
            double forward = timed.nanos / 1e9;
            System.out.printf("    of (c)'s %.2f s: forward with capture %.2f s, digest (stats, top-k, windows, quantiles) %.2f s%n",
                    c, forward, c - forward);
            return 0;
        }
    }

    /** Our forward pass over the stream, batched by length as the collector does. */
    private void runForward(BertModel model, TokenStream stream) {
        for (int[] seqs : ActivationCollector.batchesByLength(stream, batchSize)) {
            int count = seqs.length;
            int t = 0;
            long[][] rows = new long[count][];
            int[] lengths = new int[count];
            for (int i = 0; i < count; i++) {
                rows[i] = stream.modelIds(seqs[i]);
                lengths[i] = rows[i].length;
                t = Math.max(t, lengths[i]);
            }
            long[][] ids = new long[count][t];
            for (int i = 0; i < count; i++) System.arraycopy(rows[i], 0, ids[i], 0, lengths[i]);
            try (NDManager m = model.manager().newSubManager()) {
                model.forward(m, ids, lengths, Hooks.none()).toFloatArray();  // force the result to the JVM, as (a) does
            }
        }
    }

    /** Times the forward passes inside a collection, so the bench can say where (c)'s time goes. */
    private static final class TimedSource extends ForwardingActivationSource {
        long nanos;

        TimedSource(ActivationSource inner) {
            super(inner);
        }

        @Override
        public List<NDArray> neurons(NDManager m, long[][] ids, int[] lengths, int[] layers) {
            long t0 = System.nanoTime();
            List<NDArray> out = inner.neurons(m, ids, lengths, layers);
            nanos += System.nanoTime() - t0;
            return out;
        }
    }

    private static double warmThenTime(Runnable r) {
        r.run();
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }
}
