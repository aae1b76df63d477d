package lantern.service.cli;

import lantern.cli.DecoderCli;
import lantern.cli.ModelOptions;
import lantern.cli.DataOption;
import lantern.api.fv.FunctionVectorOptions;
import lantern.api.fv.FvResult;
import lantern.core.FunctionVectorExtraction;
import lantern.core.ModelSource;
import picocli.CommandLine;

import java.util.concurrent.Callable;

@CommandLine.Command(name = "function-vector", mixinStandardHelpOptions = true,
        description = "Function vectors (Todd et al. 2024): heads ranked by average indirect effect on shuffled-label "
                + "prompts; the top heads' mean outputs summed and added to zero-shot prompts.")
public class FunctionVectorCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ModelOptions model;

    @CommandLine.Mixin
    DataOption data;

    @CommandLine.Option(names = "--task", required = true,
            description = "A task file (JSON list of {\"input\",\"output\"}) or a shipped task: first-copy, last-copy, "
                    + "next-number, next-number-word, antonym, singular-plural, present-past, country-capital.")
    String task;

    @CommandLine.Option(names = "--heads", description = "Top heads summed (default 10).")
    Integer heads;

    @CommandLine.Option(names = "--layer", description = "resid_post layer the vector is added to (default layers/3).")
    Integer layer;

    @CommandLine.Option(names = "--shots", description = "Demonstrations per prompt (default 10).")
    Integer shots;

    @CommandLine.Option(names = "--mean-trials", description = "Prompts for the mean head outputs (default 100).")
    Integer meanTrials;

    @CommandLine.Option(names = "--aie-trials", description = "Shuffled-label prompts for the indirect effects (default 25).")
    Integer aieTrials;

    @CommandLine.Option(names = "--seed", defaultValue = "0")
    long seed;

    @Override
    public Integer call() {
        return DecoderCli.run(() -> {
            FvResult r = new FunctionVectorExtraction(ModelSource.loading(data.path(), model.tokenizer())).run(model.model(),
                    lantern.core.ShippedOrInline.nameOrFile(task),
                    new FunctionVectorOptions(heads, layer, shots, meanTrials, aieTrials, seed),
                    s -> System.err.println("  " + s));
            print(r);
            return 0;
        });
    }

    static void print(FvResult r) {
        System.out.printf("model %s, task %s (%d pairs), %d shots, vector added at resid_post of layer %d%n",
                r.model(), r.task(), r.pairs(), r.shots(), r.layer());
        System.out.printf("%-6s %-5s %10s %12s%n", "layer", "head", "AIE", "|output|");
        for (FvResult.Head h : r.heads()) {
            System.out.printf("%-6d %-5d %10.4f %12.3f%n", h.layer(), h.head(), h.aie(), h.outputNorm());
        }
        System.out.printf("|function vector| = %.3f; it promotes:", r.fvNorm());
        r.vectorTokens().stream().limit(5).forEach(t -> System.out.printf(" '%s'", DecoderCli.oneLine(t.token())));
        System.out.println();
        System.out.printf("held-out pairs %d: zero-shot %.3f, zero-shot + FV %.3f, %d-shot %.3f  (%.1f s)%n",
                r.items().size(), r.zeroShot(), r.zeroShotWithFv(), r.shots(), r.fewShot(), r.seconds());
        System.out.printf("%-24s %-14s %-14s %-14s %-14s%n", "input", "target", "zero-shot", "+FV", "few-shot");
        for (FvResult.Item i : r.items()) {
            System.out.printf("%-24s %-14s %-14s %-14s %-14s%n", clip(i.input()), q(i.target()), q(i.zeroShot()),
                    q(i.zeroShotWithFv()), q(i.fewShot()));
        }
    }

    static String q(String token) {
        return "'" + DecoderCli.oneLine(token) + "'";
    }

    static String clip(String s) {
        s = DecoderCli.oneLine(s);
        return s.length() > 24 ? s.substring(0, 21) + "..." : s;
    }
}
