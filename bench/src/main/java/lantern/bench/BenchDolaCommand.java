package lantern.bench;

import lantern.cli.DecoderCli;
import lantern.cli.ModelOptions;
import lantern.cli.DataOption;
import lantern.core.Models;
import lantern.train.BrownSplit;
import lantern.subject.decoder.DecoderModel;
import lantern.api.generate.Sampling;
import lantern.subject.dola.DolaEvaluation;
import lantern.subject.dola.DolaGenerator;
import lantern.subject.dola.DolaLayers;
import lantern.api.generate.GenerationResult;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * DoLa on Brown's held-out files (the split {@code lantern train decoder} holds out): the perplexity of DoLa's
 * contrastive distribution next to the model's own, and the repetition of greedy continuations with and without
 * DoLa from the same prompts.
 */
@CommandLine.Command(name = "dola", mixinStandardHelpOptions = true,
        description = "DoLa vs plain decoding on Brown's held-out files: teacher-forced perplexity of the contrastive "
                + "distribution, and seq-rep-n of greedy continuations from the same prompts.")
public class BenchDolaCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ModelOptions model;

    @CommandLine.Mixin
    DataOption data;

    @CommandLine.Option(names = "--dola", split = ";", defaultValue = "high;low",
            description = "Layer choices to compare, ';'-separated (each \"high\", \"low\" or \"0,2\").")
    List<String> dolas;

    @CommandLine.Option(names = "--targets", defaultValue = "20000", description = "Held-out targets scored.")
    long targets;

    @CommandLine.Option(names = "--context", defaultValue = "256", description = "Window length for perplexity.")
    int context;

    @CommandLine.Option(names = "--prompts", defaultValue = "20")
    int prompts;

    @CommandLine.Option(names = "--prompt-tokens", defaultValue = "32")
    int promptTokens;

    @CommandLine.Option(names = "--tokens", defaultValue = "64", description = "Greedy tokens per continuation.")
    int tokens;

    @CommandLine.Option(names = "--repetition-penalty", split = ",", defaultValue = "1,1.2")
    List<Float> penalties;

    @Override
    public Integer call() {
        return DecoderCli.run(() -> {
            try (DecoderModel m = Models.decoder(model.model(), model.tokenizer(), data.path(), "generation")) {
                BrownSplit split = BrownSplit.load(data.path());
                int[] held = BrownSplit.stream(split.heldOut(), m.tokenizer());
                int ctx = Math.min(context, m.config().contextLength());
                System.out.printf("model %s: %d layers, tied embeddings %s; Brown held-out files %d (%,d tokens)%n",
                        m.info().id(), m.config().layers(), m.config().tiedEmbeddings(), split.heldOutIds().size(),
                        held.length);
                System.out.printf("%nteacher-forced, windows of %d tokens, first %,d held-out targets%n", ctx, targets);
                for (String dola : dolas) {
                    int[] cands = DolaLayers.candidates(dola, m.config().layers(), m.config().tiedEmbeddings());
                    long t0 = System.nanoTime();
                    DolaEvaluation.Perplexity p = DolaEvaluation.perplexity(m, held, ctx, targets, cands,
                            n -> System.err.printf("\rdola %s: %,d targets", dola, n));
                    System.err.println();
                    System.out.printf("dola %-6s candidates %s: plain perplexity %.2f over %,d targets; DoLa gives "
                                    + "probability 0 to %.1f%% of them (relative-top filter)%s; over the %,d it keeps: "
                                    + "plain %.2f, DoLa %.2f; premature layer chosen %s times (%.0f s)%n", dola,
                            Arrays.toString(cands), p.plainPerplexity(), p.tokens(), 100 * p.filteredFraction(),
                            p.filtered() > 0 ? ", so its perplexity over all is infinite" : "",
                            p.tokens() - p.filtered(), p.keptPlainPerplexity(), p.keptDolaPerplexity(),
                            Arrays.toString(p.premature()), (System.nanoTime() - t0) / 1e9);
                }
                List<long[]> starts = prompts(held);
                System.out.printf("%ngreedy continuations of %d tokens from %d prompts of %d held-out tokens "
                        + "(evenly spaced in the held-out stream)%n", tokens, starts.size(), promptTokens);
                System.out.printf("%-14s %8s %10s %10s %10s %8s%n", "decoding", "penalty", "seq-rep-1", "seq-rep-2",
                        "seq-rep-4", "tokens");
                List<String> modes = new ArrayList<>();
                modes.add(null);
                modes.addAll(dolas);
                for (String dola : modes) {
                    for (float penalty : penalties) {
                        double[] rep = new double[3];
                        long n = 0;
                        for (long[] prompt : starts) {
                            GenerationResult g = DolaGenerator.generate(m, prompt, "", Sampling.greedy(tokens), dola,
                                    penalty);
                            long[] out = g.tokens().stream().mapToLong(GenerationResult.Token::id).toArray();
                            rep[0] += DolaEvaluation.seqRep(out, 1) / starts.size();
                            rep[1] += DolaEvaluation.seqRep(out, 2) / starts.size();
                            rep[2] += DolaEvaluation.seqRep(out, 4) / starts.size();
                            n += out.length;
                        }
                        System.out.printf("%-14s %8.2f %10.3f %10.3f %10.3f %8d%n", dola == null ? "plain" : "dola " + dola,
                                penalty, rep[0], rep[1], rep[2], n);
                    }
                }
            }
            return 0;
        });
    }

    private List<long[]> prompts(int[] held) {
        List<long[]> out = new ArrayList<>();
        int span = held.length - promptTokens;
        for (int i = 0; i < prompts && span > 0; i++) {
            int at = (int) ((long) span * i / prompts);
            long[] p = new long[promptTokens];
            for (int j = 0; j < promptTokens; j++) p[j] = held[at + j];
            out.add(p);
        }
        return out;
    }
}
