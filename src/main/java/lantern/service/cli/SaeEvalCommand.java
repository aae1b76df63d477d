package lantern.service.cli;

import lantern.cli.DataOption;
import lantern.api.sae.SaeEvalResult;
import lantern.core.ModelSource;
import lantern.core.SaeEvaluation;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@CommandLine.Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Measures a saved SAE (ours or any SAELens folder for the model) on held-out Brown documents: explained variance, L0, dead features, embedding fidelity.")
public class SaeEvalCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--sae", description = "SAELens folder (cfg.json + sae_weights.safetensors).")
    Path saeDir;

    @CommandLine.Option(names = "--feature-kind", description = "Or: model/layer/kind as in feature ids, e.g. minilm-l6/3/sae-resid_post-k32.")
    String kindId;

    @CommandLine.Option(names = "--heldout-tokens", defaultValue = "50000", description = "Held-out tokens (default: ${DEFAULT-VALUE}).")
    long heldOutTokens;

    @CommandLine.Option(names = "--fidelity-texts", defaultValue = "256", description = "Held-out sentences for the embedding fidelity (default: ${DEFAULT-VALUE}).")
    int fidelityTexts;

    @CommandLine.Mixin
    DataOption dataOption;

    @Override
    public Integer call() throws Exception {
        SaeEvalResult r = new SaeEvaluation(ModelSource.loading(dataOption.path(), null), dataOption.path())
                .evaluate(saeDir, kindId, heldOutTokens, fidelityTexts);
        System.err.printf(Locale.ROOT, "held-out: %,d tokens in %.1f s%n", r.heldOutTokens(), r.collectSeconds());
        System.out.printf("%s (%s, d_sae %d) at %s%n", r.dir(), r.architecture(), r.dSae(), r.hook());
        System.out.println(r.metrics().summary());
        return 0;
    }
}
