package lantern.service.cli;

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

    @CommandLine.Option(names = "--transcoders", required = true)
    String transcoders;

    @CommandLine.Option(names = "--lengths", defaultValue = "8,16,32,64", split = ",")
    int[] lengths;

    @CommandLine.Option(names = "--forward-repeats", defaultValue = "20")
    int repeats;

    static final String TEXT = "The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary"
            + " election produced no evidence that any irregularities took place. The jury further said in term-end"
            + " presentments that the City Executive Committee, which had over-all charge of the election, deserves the"
            + " praise and thanks of the City of Atlanta for the manner in which the election was conducted.";

    @Override
    public Integer call() {
        return DecoderCli.run(() -> {
            try (DecoderModel m = DecoderCli.load(model.model(), model.tokenizer(), data.path(), "attribution graphs");
                 NDManager nd = m.manager().newSubManager();
                 TranscoderSet set = TranscoderSet.load(data.path(), m.info().id(), transcoders, nd)) {
                long[] ids = lantern.subject.circuits.CircuitTracer.promptIds(m, TEXT);
                System.out.printf("attribution graphs on %s with transcoders '%s' (layers %s), threads %s%n", m.info().id(),
                        transcoders, set.layers(), System.getProperty("ai.djl.pytorch.num_threads", "default"));
                System.out.println("| tokens | active features | nodes | graph s (attribute + prune) | attribute s | prune s | one forward ms |");
                System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
                for (var r : GraphBench.run(m, set, ids, lengths, repeats)) {
                    System.out.printf(Locale.ROOT, "| %d | %d | %d | %.2f | %.2f | %.2f | %.1f |%n", r.tokens(), r.activeFeatures(),
                            r.nodes(), r.graphSeconds(), r.attributeSeconds(), r.pruneSeconds(), r.forwardMillis());
                }
                return 0;
            }
        });
    }
}
