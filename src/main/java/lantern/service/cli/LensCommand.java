package lantern.service.cli;

import lantern.cli.DecoderCli;
import lantern.cli.ModelOptions;
import lantern.cli.DataOption;
import lantern.api.lens.LensRequest;
import lantern.api.lens.LensResult;
import lantern.api.lens.TokenProb;
import lantern.core.Lenses;
import lantern.core.ModelSource;
import picocli.CommandLine;

import java.util.concurrent.Callable;

@CommandLine.Command(name = "lens", mixinStandardHelpOptions = true,
        description = "Logit lens: per layer, the top-k next tokens of softmax(W_U LN_final(resid_post)).")
public class LensCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ModelOptions model;

    @CommandLine.Mixin
    DataOption data;

    @CommandLine.Option(names = "--prompt", required = true)
    String prompt;

    @CommandLine.Option(names = "--position", defaultValue = "-1", description = "Token position; negative counts from the end.")
    int position;

    @CommandLine.Option(names = "--k", defaultValue = "5")
    int k;

    @Override
    public Integer call() {
        return DecoderCli.run(() -> {
            LensResult r = new Lenses(ModelSource.loading(data.path(), model.tokenizer()))
                    .lens(new LensRequest(model.model(), prompt, position, k));
            print(r, k);
            return 0;
        });
    }

    public static void print(LensResult r, int k) {
        System.out.printf("model %s, position %d of %d (token %s)%n", r.model(), r.position(),
                r.tokens().size(), quote(r.tokens().get(r.position())));
        System.out.printf("%-6s %s%n", "layer", "top " + k + " next tokens (probability)");
        for (LensResult.Layer layer : r.layers()) {
            StringBuilder line = new StringBuilder();
            for (TokenProb t : layer.top()) {
                line.append(String.format("%-22s ", quote(t.token()) + " " + String.format("%.3g", t.prob())));
            }
            System.out.printf("%-6d %s%n", layer.layer(), line.toString().stripTrailing());
        }
    }

    static String quote(String token) {
        return "'" + DecoderCli.oneLine(token) + "'";
    }
}
