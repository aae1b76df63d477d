package lantern.bench;

import lantern.cli.DataOption;
import lantern.core.Models;
import ai.djl.ndarray.NDManager;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import ai.djl.ndarray.NDArray;
import lantern.collect.ActivationCollector;
import lantern.collect.ActivationSource;
import lantern.collect.HookedActivationSource;
import lantern.collect.Chunker;
import lantern.collect.CollectOptions;
import lantern.collect.ForwardingActivationSource;
import lantern.collect.TokenStream;
import lantern.corpus.Corpora;
import lantern.subject.Hooks;
import lantern.subject.HookedModel;
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

    @CommandLine.Option(names = "--model", defaultValue = "minilm-l6",
            description = "minilm-l6 (compared with ONNX Runtime too) or a decoder: a registered name, folder or llama2.c .bin (default: ${DEFAULT-VALUE}).")
    String modelName;

    @CommandLine.Option(names = "--seq-len", defaultValue = "64", description = "Tokens per sequence incl. [CLS]/[SEP] or BOS (default: ${DEFAULT-VALUE}).")
    int seqLen;

    @CommandLine.Option(names = "--shape", description = "Instead of --model: a random-weight decoder of this shape"
            + " (gpt2-small: 12 layers, d_model 768, 3,072 neurons, vocabulary 50,257; written once under {data}/bench/),"
            + " reading Brown's sequences with random token ids.")
    String shape;

    @CommandLine.Option(names = "--memory", description = "Only (c), once and whole (quantile windows included), printing"
            + " the heap held after a full GC at every tenth of the tokens and the peak heap: memory against tokens.")
    boolean memory;

    @CommandLine.Mixin
    DataOption data = new DataOption();

    @Override
    public Integer call() {
        if (shape != null && !"minilm-l6".equals(modelName)) throw new CommandLine.ParameterException(
                new CommandLine(this), "give --shape or --model, not both");
        try (HookedModel model = shape != null ? BenchShapes.load(shape, data.path()) : Models.hooked(modelName, data.path())) {
            TokenStream brown = Chunker.forModel(model, seqLen).chunk(Corpora.open("brown", data.path()), tokens);
            TokenStream stream = shape == null ? brown : BenchShapes.randomIds(brown, model.info().vocabSize(), 1);
            if (memory) return BenchMemory.run(model, stream, batchSize);
            if (model.isDecoder()) return decoder(model, stream);
            List<String> texts = new ArrayList<>();
            for (int s = 0; s < stream.sequences(); s++) {
                int[] ids = java.util.Arrays.copyOfRange(stream.ids(), stream.seqStart()[s], stream.seqStart()[s + 1]);
                texts.add(model.tokenizer().decode(java.util.Arrays.stream(ids).asLongStream().toArray()));
            }
            long n = stream.tokens();
            System.out.printf("%,d Brown text tokens in %,d sequences of <= %d, batches of %d, %d CPU threads available%n",
                    n, stream.sequences(), seqLen, batchSize, Runtime.getRuntime().availableProcessors());

            AllMiniLmL6V2EmbeddingModel onnx = new AllMiniLmL6V2EmbeddingModel();
            List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
            // Every path runs once untimed first, so each is timed warm (JIT-compiled Java, touched native buffers).
            double a = warmThenTime(() -> onnx.embedAll(segments));
            ProcessCpu aCpu = lastCpu;
            double b = warmThenTime(() -> runForward(model, stream));
            ProcessCpu bCpu = lastCpu;

            TimedSource timed = new TimedSource(new HookedActivationSource(model));
            double c = timeCollection(timed, stream);
            ProcessCpu cCpu = lastCpu;

            System.out.printf("(a) ONNX Runtime embedAll          %10.0f tokens/s%n", n / a);
            System.out.printf("(b) our forward pass               %10.0f tokens/s   b/a = %.2f%n", n / b, a / b);
            System.out.printf("(c) forward + %,d neurons top-k   %10.0f tokens/s   c/a = %.2f   c/b = %.2f%n",
                    model.info().layers() * model.info().neuronsPerLayer(), n / c, a / c, b / c);
            double forward = timed.nanos / 1e9;
            System.out.printf("    of (c)'s %.2f s: forward with capture %.2f s, digest (stats, top-k, windows, quantiles) %.2f s%n",
                    c, forward, c - forward);
            System.out.printf("    CPU, all threads: (a) %.2f s wall, %s%n", a, aCpu);
            printCpu(b, bCpu, c, cCpu, timed);
            System.out.printf("b/a = %.2f%nc/b = %.2f%nc/a = %.2f%n", a / b, b / c, a / c);
            return 0;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A decoder has no ONNX twin here: (b) is its plain forward pass (final residual to the JVM), (c) the same
     * sequences collected (every layer's {@code mlp.hook_post}, statistics, top-k); c/b is the collection's overhead.
     */
    private int decoder(HookedModel model, TokenStream stream) {
        long n = stream.tokens();
        System.out.printf("%s: %,d Brown text tokens in %,d sequences of <= %d (BOS included), batches of %d, %d CPU threads%n",
                model.info().id(), n, stream.sequences(), seqLen, batchSize, Runtime.getRuntime().availableProcessors());
        double b = warmThenTime(() -> runForward(model, stream));
        ProcessCpu bCpu = lastCpu;
        TimedSource timed = new TimedSource(new HookedActivationSource(model));
        double c = timeCollection(timed, stream);
        ProcessCpu cCpu = lastCpu;
        System.out.printf("(b) plain forward pass             %10.0f tokens/s%n", n / b);
        System.out.printf("(c) forward + %,d neurons top-k   %10.0f tokens/s   c/b = %.2f%n",
                model.info().layers() * model.info().neuronsPerLayer(), n / c, b / c);
        double forward = timed.nanos / 1e9;
        System.out.printf("    of (c)'s %.2f s: forward with capture %.2f s, digest (stats, top-k, windows, quantiles) %.2f s%n",
                c, forward, c - forward);
        printCpu(b, bCpu, c, cCpu, timed);
        System.out.printf("c/b = %.2f%n", b / c);
        return 0;
    }

    /**
     * CPU time beside the wall time: on a shared machine wall times stretch with the load, CPU times much less, and
     * system time shows page faults (fresh native memory).
     */
    private static void printCpu(double b, ProcessCpu bCpu, double c, ProcessCpu cCpu, TimedSource timed) {
        System.out.printf("    CPU, all threads: (b) %.2f s wall, %s; (c) %.2f s wall, %s%n", b, bCpu, c, cCpu);
        System.out.printf("    of (c)'s CPU: forward with capture %s, digest %s%n", timed.cpu, cCpu.minus(timed.cpu));
    }

    /**
     * (c), warm: the collector over {@code timed} (which times the forward pass with capture apart from the digest).
     * The quantile-window pass is left out: it reruns a fixed 100 sequences whatever the corpus size.
     */
    private double timeCollection(TimedSource timed, TokenStream stream) {
        CollectOptions opt = CollectOptions.defaults().withBatchSize(batchSize);
        CollectOptions noSecondPass = new CollectOptions(opt.layers(), opt.topK(), opt.halfWindow(), opt.batchSize(),
                opt.seed(), opt.randomWindows(), opt.quantileLevels(), opt.quantileSamples(), opt.quantileBins(), opt.perBin(), 0);
        return warmThenTime(() -> {
            timed.nanos = 0;
            timed.cpu = ProcessCpu.NONE;
            new ActivationCollector(timed, noSecondPass).collect(stream, "brown", null);
        });
    }

    /** Our forward pass over the stream, batched by length as the collector does. */
    private void runForward(HookedModel model, TokenStream stream) {
        for (int[] seqs : lantern.collect.CollectionPlan.batchesByLength(stream, batchSize)) {
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
                model.run(m, ids, lengths, Hooks.none()).output().toFloatArray();  // force the result to the JVM, as (a) does
            }
        }
    }

    /** Times the forward passes inside a collection, so the bench can say where (c)'s time goes. */
    private static final class TimedSource extends ForwardingActivationSource {
        long nanos;
        ProcessCpu cpu = ProcessCpu.NONE;

        TimedSource(ActivationSource inner) {
            super(inner);
        }

        @Override
        public List<NDArray> neurons(NDManager m, long[][] ids, int[] lengths, int[] layers) {
            ProcessCpu before = ProcessCpu.now();
            long t0 = System.nanoTime();
            List<NDArray> out = inner.neurons(m, ids, lengths, layers);
            nanos += System.nanoTime() - t0;
            cpu = cpu.plus(ProcessCpu.now().minus(before));
            return out;
        }

        @Override
        public void neurons(NDManager m, long[][] ids, int[] lengths, int[] layers, LayerSink sink) {
            ProcessCpu before = ProcessCpu.now();
            long t0 = System.nanoTime();
            inner.neurons(m, ids, lengths, layers, sink); // the copy out of each layer is inside the pass now
            nanos += System.nanoTime() - t0;
            cpu = cpu.plus(ProcessCpu.now().minus(before));
        }
    }

    /** CPU of the last {@link #warmThenTime} run (all threads of the process). */
    private ProcessCpu lastCpu = ProcessCpu.NONE;

    private double warmThenTime(Runnable r) {
        r.run();
        ProcessCpu before = ProcessCpu.now();
        long t0 = System.nanoTime();
        r.run();
        double wall = (System.nanoTime() - t0) / 1e9;
        lastCpu = ProcessCpu.now().minus(before);
        return wall;
    }
}
