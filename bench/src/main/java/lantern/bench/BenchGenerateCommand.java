package lantern.bench;

import lantern.cli.DecoderCli;
import lantern.cli.ModelOptions;
import lantern.cli.DataOption;
import lantern.core.Models;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import lantern.subject.Hooks;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderWeights;
import lantern.subject.decoder.KvCache;
import lantern.subject.decoder.LayerWeights;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * Prompt and generation speed of a decoder, and generation measured against the memory bound: each generated token
 * must read every weight matrix once, so tokens/s cannot beat bandwidth / weight bytes.
 */
@CommandLine.Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Decoder speed: prompt tokens/s, generated tokens/s (KV cache, greedy), and generated tokens/s "
                + "as a fraction of the memory bound (measured copy bandwidth / fp32 weight bytes read per token).")
public class BenchGenerateCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ModelOptions model;

    @CommandLine.Mixin
    DataOption data;

    @CommandLine.Option(names = "--prompt-tokens", defaultValue = "128")
    int promptTokens;

    @CommandLine.Option(names = "--tokens", defaultValue = "64", description = "Tokens to generate.")
    int tokens;

    @CommandLine.Option(names = "--shape", description = "Instead of --model: a random-weight decoder of this shape"
            + " (gpt2-small: 12 layers, d_model 768, 3,072 neurons, vocabulary 50,257; written once under {data}/bench/),"
            + " with a prompt of random token ids.")
    String shape;

    @Override
    public Integer call() {
        return DecoderCli.run(() -> {
            if (shape != null && !"minilm-l6".equals(model.model())) {
                throw new IllegalArgumentException("give --shape or --model, not both");
            }
            try (DecoderModel m = shape != null ? BenchShapes.load(shape, data.path())
                    : Models.decoder(model.model(), model.tokenizer(), data.path(), "generation")) {
                int ctx = m.config().contextLength();
                int p = Math.min(promptTokens, ctx - tokens - 1);
                if (p < 1) throw new IllegalArgumentException("context " + ctx + " too short for " + tokens + " tokens");
                long[] prompt = shape != null ? BenchShapes.randomPrompt(p, m.info().vocabSize(), m.info().vocabSize() - 1, 3)
                        : promptIds(m, p);
                long weightBytes = weightBytesPerToken(m.weights());
                System.out.printf("model %s (%s): %d layers, d_model %d, %.1f M weights read per token (%.0f MB fp32), "
                                + "%d CPU threads%n", m.info().id(), m.info().family(), m.config().layers(),
                        m.config().dModel(), weightBytes / 4 / 1e6, weightBytes / 1e6,
                        Runtime.getRuntime().availableProcessors());
                run(m, prompt, Math.min(4, tokens)); // warm up
                double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
                for (int rep = 0; rep < 3; rep++) {
                    double[] t = run(m, prompt, tokens);
                    best[0] = Math.min(best[0], t[0]);
                    best[1] = Math.min(best[1], t[1]);
                }
                double promptRate = p / best[0];
                double genRate = tokens / best[1];
                double bandwidth = Bandwidth.measure();
                double bound = bandwidth / weightBytes;
                System.out.printf("prompt      %5d tokens  %10.1f tokens/s%n", p, promptRate);
                System.out.printf("generation  %5d tokens  %10.1f tokens/s (KV cache, greedy)%n", tokens, genRate);
                System.out.printf("memory bandwidth %.1f GB/s (best of large-array copies) -> bound %.1f tokens/s%n",
                        bandwidth / 1e9, bound);
                System.out.printf("generated tokens/s / memory bound = %.2f%n", genRate / bound);
                System.out.printf("bandwidth ratio = %.2f%n", genRate / bound);
            }
            return 0;
        });
    }

    private static long[] promptIds(DecoderModel m, int n) {
        String text = "The quick brown fox jumps over the lazy dog while the band plays on in the park. ";
        long[] ids = m.tokenizer().encode(text.repeat(1 + n / 8), true).ids();
        if (ids.length < n) throw new IllegalArgumentException("could not build a prompt of " + n + " tokens");
        return Arrays.copyOf(ids, n);
    }

    /** Seconds for the prompt pass and for the generation steps. */
    private static double[] run(DecoderModel m, long[] prompt, int steps) {
        try (NDManager nd = NDManager.newBaseManager("PyTorch"); KvCache cache = m.newCache(nd)) {
            long t0 = System.nanoTime();
            float[] logits = m.nextTokenLogits(nd, prompt, cache, Hooks.none());
            long t1 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                int next = 0;
                for (int j = 1; j < logits.length; j++) if (logits[j] > logits[next]) next = j;
                logits = m.nextTokenLogits(nd, new long[]{next}, cache, Hooks.none());
            }
            long t2 = System.nanoTime();
            return new double[]{(t1 - t0) / 1e9, (t2 - t1) / 1e9};
        }
    }

    /** Every matrix and vector a generation step reads in full (the embedding table only gives one row). */
    static long weightBytesPerToken(DecoderWeights w) {
        long n = size(w.normFinal()) + size(w.normFinalBias()) + size(w.unembed());
        for (LayerWeights l : w.layers()) {
            n += size(l.norm1()) + size(l.norm1Bias()) + size(l.qkv()) + size(l.qkvBias()) + size(l.out())
                    + size(l.outBias()) + size(l.norm2()) + size(l.norm2Bias()) + size(l.mlpIn())
                    + size(l.mlpInBias()) + size(l.mlpOut()) + size(l.mlpOutBias());
        }
        return 4 * n;
    }

    private static long size(NDArray a) {
        return a == null ? 0 : a.getShape().size();
    }

    /** Copy bandwidth (bytes read + written per second), best of a Java copy and a libtorch copy of 512 MB. */
    static final class Bandwidth {
        static double measure() {
            int n = 1 << 27; // 128 Mi floats = 512 MB
            float[] a = new float[n];
            float[] b = new float[n];
            Arrays.fill(a, 1f);
            double best = 0;
            for (int i = 0; i < 5; i++) {
                long t = System.nanoTime();
                System.arraycopy(a, 0, b, 0, n);
                best = Math.max(best, 8.0 * n / ((System.nanoTime() - t) / 1e9));
            }
            try (NDManager m = NDManager.newBaseManager("PyTorch")) {
                NDArray x = m.ones(new ai.djl.ndarray.types.Shape(n));
                for (int i = 0; i < 5; i++) {
                    long t = System.nanoTime();
                    NDArray y = x.duplicate();
                    y.getFloat(0); // make sure the copy happened
                    best = Math.max(best, 8.0 * n / ((System.nanoTime() - t) / 1e9));
                    y.close();
                }
            }
            return best;
        }
    }
}
