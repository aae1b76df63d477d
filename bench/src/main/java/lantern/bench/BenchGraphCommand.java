package lantern.bench;

import lantern.cli.DecoderCli;
import lantern.cli.ModelOptions;
import lantern.cli.DataOption;
import lantern.core.Models;
import ai.djl.ndarray.NDManager;
import lantern.subject.circuits.GraphBench;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.transcoder.TranscoderSet;
import picocli.CommandLine;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lantern bench graph}: attribution-graph time against prompt length, beside one forward pass. */
@CommandLine.Command(name = "graph", mixinStandardHelpOptions = true,
        description = "Times an unpruned attribution graph plus pruning for prompts of 8, 16, 32 and 64 tokens (a held-out"
                + " Brown text) next to one forward pass of the same tokens.")
public class BenchGraphCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ModelOptions model;

    @CommandLine.Mixin
    DataOption data;

    @CommandLine.Option(names = "--transcoders", description = "Transcoder set of --model (lantern train transcoder --name).")
    String transcoders;

    @CommandLine.Option(names = "--shape", description = "Instead of --model: a random-weight decoder of this shape"
            + " (gpt2-small: 12 layers, d_model 768, 3,072 neurons, vocabulary 50,257; written once under {data}/bench/)"
            + " with random TopK transcoders on every layer, and random token ids as the prompt.")
    String shape;

    @CommandLine.Option(names = "--features", defaultValue = "8192", description = "With --shape: features per random transcoder (default: ${DEFAULT-VALUE}).")
    int features;

    @CommandLine.Option(names = "--k", defaultValue = "32", description = "With --shape: active features per token (default: ${DEFAULT-VALUE}).")
    int k;

    @CommandLine.Option(names = "--lengths", split = ",", description = "Prompt lengths in tokens, BOS included (default: 8,16,32,64; 8,16,32 with --shape).")
    int[] lengths;

    @CommandLine.Option(names = "--forward-repeats", defaultValue = "20")
    int repeats;

    static final String TEXT = "The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary"
            + " election produced no evidence that any irregularities took place. The jury further said in term-end"
            + " presentments that the City Executive Committee, which had over-all charge of the election, deserves the"
            + " praise and thanks of the City of Atlanta for the manner in which the election was conducted.";

    @Override
    public Integer call() {
        if (shape != null) return DecoderCli.run(this::onShape);
        if (transcoders == null) throw new IllegalArgumentException("give --transcoders NAME (with --model), or --shape gpt2-small");
        if (lengths == null) lengths = new int[]{8, 16, 32, 64};
        return DecoderCli.run(() -> {
            try (DecoderModel m = Models.decoder(model.model(), model.tokenizer(), data.path(), "attribution graphs");
                 NDManager nd = m.manager().newSubManager();
                 TranscoderSet set = TranscoderSet.load(data.path(), m.info().id(), transcoders, nd)) {
                long[] ids = lantern.subject.circuits.CircuitTracer.promptIds(m, TEXT);
                System.out.printf("attribution graphs on %s with transcoders '%s' (layers %s), threads %s%n", m.info().id(),
                        transcoders, set.layers(), System.getProperty("ai.djl.pytorch.num_threads", "default"));
                table(GraphBench.run(m, set, ids, lengths, repeats));
                return 0;
            }
        });
    }

    private static void table(java.util.List<GraphBench.Row> rows) {
        System.out.println("| tokens | active features | nodes | graph s (attribute + prune) | attribute s | prune s | one forward ms |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
        for (var r : rows) {
            System.out.printf(Locale.ROOT, "| %d | %d | %d | %.2f | %.2f | %.2f | %.1f |%n", r.tokens(), r.activeFeatures(),
                    r.nodes(), r.graphSeconds(), r.attributeSeconds(), r.pruneSeconds(), r.forwardMillis());
        }
    }

    /** {@code --shape}: the random decoder folder (written once), random transcoders, random token ids after BOS. */
    private int onShape() throws Exception {
        if (transcoders != null) throw new IllegalArgumentException("--shape brings its own random transcoders: leave out --transcoders");
        if (features < 1 || k < 1 || k > features) throw new IllegalArgumentException("need 0 < --k <= --features");
        var s = lantern.subject.decoder.RandomGpt2.shape(shape);
        int[] lens = lengths != null ? lengths : new int[]{8, 16, 32};
        java.nio.file.Path dir = data.path().resolve("bench").resolve(s.name());
        long t0 = System.nanoTime();
        System.err.printf("writing or reusing the random %s folder %s ...%n", s.name(), dir);
        lantern.subject.decoder.RandomGpt2.ensure(dir, s, 0);
        System.err.printf("folder ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        try (DecoderModel m = lantern.subject.decoder.DecoderModels.load(s.name() + "-random", dir, null);
             NDManager nd = m.manager().newSubManager();
             TranscoderSet set = GraphBench.randomTranscoders(m, features, k, 1, nd)) {
            int longest = java.util.Arrays.stream(lens).max().orElseThrow();
            long[] ids = new long[longest];
            java.util.SplittableRandom r = new java.util.SplittableRandom(7);
            ids[0] = s.vocab() - 1;  // <|endoftext|>, GPT-2's BOS
            for (int i = 1; i < longest; i++) ids[i] = 1 + r.nextInt(s.vocab() - 2);
            System.out.printf(Locale.ROOT, "attribution graphs on a random-weight %s (%d layers, d_model %d, %d neurons, vocabulary %,d)"
                            + " with random TopK transcoders (%,d features, k=%d) on every layer, random token ids; threads %s%n",
                    s.name(), s.layers(), s.dModel(), s.dMlp(), s.vocab(), features, k,
                    System.getProperty("ai.djl.pytorch.num_threads", "default"));
            table(GraphBench.run(m, set, ids, lens, repeats));
            return 0;
        }
    }
}
