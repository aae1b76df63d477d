package lantern.service.cli;

import lantern.cli.DecoderCli;
import lantern.cli.ProgressBar;
import lantern.cli.ModelOptions;
import lantern.cli.DataOption;
import lantern.api.heads.HeadRolesRequest;
import lantern.api.heads.HeadRolesResult;
import lantern.core.HeadRoleScan;
import lantern.core.ModelSource;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;

/** {@code lantern heads --model M}: the same as {@code POST /api/models/{m}/heads}. */
@CommandLine.Command(name = "heads", mixinStandardHelpOptions = true,
        description = "Attention-head roles: every head's previous-token, duplicate-token and induction score on random "
                + "tokens repeated once (TransformerLens' definitions), and the loss change on the repeated half when "
                + "the head is ablated (decoders).")
public class HeadsCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ModelOptions model;

    @CommandLine.Mixin
    DataOption data;

    @CommandLine.Option(names = "--length", description = "Random tokens per copy (default: 50, or what the context allows).")
    Integer length;

    @CommandLine.Option(names = "--batch", description = "Rows of random tokens (default: " + HeadRoleScan.DEFAULT_BATCH + ").")
    Integer batch;

    @CommandLine.Option(names = "--seed", defaultValue = "0", description = "Seed of the random tokens (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Option(names = "--tokens", split = ",", description = "The first copy's token ids instead of random ones (one row), e.g. 17,204,9.")
    List<Long> tokens;

    @CommandLine.Option(names = "--ablation", description = "zero, mean or none (default: zero on decoders, none on encoders).")
    String ablation;

    @CommandLine.Option(names = "--top", defaultValue = "3", description = "Heads named per role under the table (default: ${DEFAULT-VALUE}).")
    int top;

    @CommandLine.Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() {
        return DecoderCli.run(() -> {
            ProgressBar bar = new ProgressBar(System.err);
            HeadRolesResult r = new HeadRoleScan(ModelSource.loading(data.path(), model.tokenizer())).run(model.model(),
                    new HeadRolesRequest(seed, length, batch, tokens, ablation),
                    (done, total) -> bar.update("forward passes", done, total, "passes", ""));
            bar.finish();
            if (json) {
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
            } else {
                print(r, top);
            }
            return 0;
        });
    }

    static void print(HeadRolesResult r, int top) {
        var p = r.probe();
        System.out.printf(Locale.ROOT, "model %s: %d layers x %d heads; %d row%s of %d random tokens (%s) repeated once after %d frame token%s%n",
                r.model(), r.layers(), r.headsPerLayer(), p.batch(), p.batch() == 1 ? "" : "s", p.length(),
                p.seed() == null ? "given" : "seed " + p.seed(), p.prefix(), p.prefix() == 1 ? "" : "s");
        if (r.repeatedHalfLoss() != null) {
            System.out.printf(Locale.ROOT, "clean loss: first copy %.4f, repeated copy %.4f nats/token; ablation: %s%n",
                    r.firstHalfLoss(), r.repeatedHalfLoss(), r.ablation());
        }
        boolean ablated = r.heads().stream().anyMatch(h -> h.lossChange() != null);
        System.out.printf("%-6s %-5s %9s %9s %9s%s%n", "layer", "head", "prev-tok", "dup-tok", "induction",
                ablated ? String.format(" %12s %12s", "loss ablated", "change") : "");
        for (HeadRolesResult.Head h : r.heads()) {
            System.out.printf(Locale.ROOT, "%-6d %-5d %9.3f %9.3f %9.3f%s%n", h.layer(), h.head(), h.previousToken(),
                    h.duplicateToken(), h.induction(), h.lossChange() == null ? ""
                            : String.format(Locale.ROOT, " %12.4f %+12.4f", h.ablatedLoss(), h.lossChange()));
        }
        name(r, "previous-token", HeadRolesResult.Head::previousToken, top);
        name(r, "duplicate-token", HeadRolesResult.Head::duplicateToken, top);
        name(r, "induction", HeadRolesResult.Head::induction, top);
        if (ablated) name(r, "loss increase when ablated", h -> h.lossChange(), top);
    }

    private static void name(HeadRolesResult r, String role, ToDoubleFunction<HeadRolesResult.Head> score, int top) {
        String heads = String.join(", ", r.top(score, top).stream()
                .map(h -> String.format(Locale.ROOT, "%s %.3f", h.name(), score.applyAsDouble(h))).toList());
        System.out.printf("strongest %s heads: %s%n", role, heads);
    }
}
