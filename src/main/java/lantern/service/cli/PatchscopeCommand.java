package lantern.service.cli;

import lantern.cli.DecoderCli;
import lantern.cli.ModelOptions;
import lantern.cli.DataOption;
import lantern.api.lens.LayerSweepResult;
import lantern.api.lens.PatchRequest;
import lantern.api.lens.PatchscopeResult;
import lantern.api.lens.SweepRequest;
import lantern.api.lens.TokenProb;
import lantern.core.Lenses;
import lantern.core.ModelSource;
import picocli.CommandLine;

import java.util.List;
import java.util.concurrent.Callable;

@CommandLine.Command(name = "patchscope", mixinStandardHelpOptions = true,
        description = "Patchscopes: decode a hidden state (resid_post at a layer and position) by patching it into a "
                + "target prompt. With --sweep: precision@1 per layer vs the model's own prediction, next to the logit lens.")
public class PatchscopeCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ModelOptions model;

    @CommandLine.Mixin
    DataOption data;

    @CommandLine.Option(names = "--preset",
            description = "identity (default; free-form when --target-prompt is given), entity-description, attribute-extraction or free-form.")
    String preset;

    @CommandLine.Option(names = "--prompt", required = true, description = "The source prompt.")
    String prompt;

    @CommandLine.Option(names = "--position", defaultValue = "-1", description = "Source position (negative: from the end).")
    int position;

    @CommandLine.Option(names = "--layer", defaultValue = "0", description = "Source layer.")
    int layer;

    @CommandLine.Option(names = "--target-layer", description = "Target layer (default: the source layer).")
    Integer targetLayer;

    @CommandLine.Option(names = "--target-prompt", description = "Target prompt (free-form; overrides the preset's).")
    String targetPrompt;

    @CommandLine.Option(names = "--target-position", description = "Target position (default: the preset's placeholder, else -1).")
    Integer targetPosition;

    @CommandLine.Option(names = "--max-tokens", defaultValue = "20")
    int maxTokens;

    @CommandLine.Option(names = "--temperature", defaultValue = "0")
    float temperature;

    @CommandLine.Option(names = "--patch-every-step", description = "Recompute the sequence with the patch at every step.")
    boolean patchEveryStep;

    @CommandLine.Option(names = "--sweep", description = "Layer sweep (source layer = target layer) over every position of the prompt.")
    boolean sweep;

    @CommandLine.Option(names = "--only-position", description = "With --sweep: evaluate only --position.")
    boolean onlyPosition;

    @CommandLine.Option(names = "--grid", description = "With --sweep: also the full source x target layer grid.")
    boolean grid;

    @Override
    public Integer call() {
        return DecoderCli.run(() -> {
            Lenses lenses = new Lenses(ModelSource.loading(data.path(), model.tokenizer()));
            if (sweep) {
                printSweep(lenses.sweep(new SweepRequest(model.model(), preset, prompt, targetPrompt, targetPosition,
                        onlyPosition ? List.of(position) : null, grid)));
            } else {
                printResult(lenses.patch(new PatchRequest(model.model(), null, preset, prompt, layer, position,
                        targetPrompt, targetLayer, targetPosition, null, maxTokens, temperature, patchEveryStep, 0L)));
            }
            return 0;
        });
    }

    private void printResult(PatchscopeResult r) {
        System.out.println("source token: " + LensCommand.quote(r.sourceToken()));
        StringBuilder top = new StringBuilder();
        for (TokenProb t : r.firstTokenTopK()) top.append(LensCommand.quote(t.token())).append(String.format(" %.3f  ", t.prob()));
        System.out.println("first token:  " + top.toString().strip());
        System.out.println("generated:    " + DecoderCli.oneLine(r.generated()));
    }

    private void printSweep(LayerSweepResult r) {
        System.out.printf("model %s: precision@1 of the first token vs the model's own next-token prediction, "
                + "over %d source position(s)%n", r.model(), r.positions().size());
        System.out.printf("target prompt %s, patched at position %d%n", LensCommand.quote(r.targetPrompt()), r.targetPosition());
        System.out.printf("%-6s %-12s %-12s%n", "layer", "patchscope", "logit lens");
        for (LayerSweepResult.Row row : r.rows()) {
            System.out.printf("%-6d %-12.3f %-12.3f%n", row.layer(), row.patchscopePrecision(), row.lensPrecision());
        }
        if (r.grid() != null) {
            System.out.println("grid: rows = source layer, columns = target layer");
            StringBuilder head = new StringBuilder(String.format("%-6s", ""));
            for (int t = 0; t < r.grid().length; t++) head.append(String.format("%6d", t));
            System.out.println(head);
            for (int s = 0; s < r.grid().length; s++) {
                StringBuilder line = new StringBuilder(String.format("%-6d", s));
                for (double v : r.grid()[s]) line.append(String.format("%6.2f", v));
                System.out.println(line);
            }
        }
    }
}
