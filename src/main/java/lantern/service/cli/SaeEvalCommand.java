package lantern.service.cli;

import lantern.cli.DataOption;
import lantern.core.Models;
import ai.djl.ndarray.NDManager;
import lantern.subject.EncoderModel;
import lantern.subject.sae.HookActivationCollector;
import lantern.subject.sae.Sae;
import lantern.subject.sae.SaeEvaluator;
import lantern.subject.sae.SaeLensFormat;
import lantern.subject.sae.SaeMetrics;
import lantern.subject.sae.SaeStore;
import lantern.subject.sae.TokenActivations;
import lantern.train.SaeText;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.List;
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
        Path dir = saeDir;
        if (dir == null) {
            if (kindId == null) throw new IllegalArgumentException("give --sae DIR or --feature-kind model/layer/kind");
            String[] p = kindId.split("/");
            if (p.length != 3) throw new IllegalArgumentException("--feature-kind must look like minilm-l6/3/sae-resid_post-k32");
            try (NDManager tmp = NDManager.newBaseManager("PyTorch"); SaeStore store = new SaeStore(dataOption.path(), tmp)) {
                dir = store.dir(p[0], Integer.parseInt(p[1]), p[2]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("layer must be an integer: " + kindId);
            }
        }
        String modelId = SaeLensFormat.readConfig(dir).model();
        try (EncoderModel m = Models.encoder(modelId); NDManager nd = m.manager().newSubManager();
             Sae sae = SaeLensFormat.load(dir, nd)) {
            if (sae.config().dIn() != m.info().dModel() && !sae.config().hookName().contains("mlp.hook_")) {
                throw new IllegalArgumentException("SAE reads " + sae.config().dIn() + " dimensions; " + sae.config().hookName() + " has " + m.info().dModel());
            }
            SaeText text = SaeText.brown(dataOption.path(), 42);
            long t0 = System.nanoTime();
            TokenActivations held = new HookActivationCollector(m).collect(sae.config().hookName(), text.heldOut(), heldOutTokens, nd, n -> { });
            System.err.printf(Locale.ROOT, "held-out: %,d tokens in %.1f s%n", held.tokens(), (System.nanoTime() - t0) / 1e9);
            SaeMetrics metrics = SaeEvaluator.reconstruction(sae, held);
            float[] mean = held.data().mean(new int[]{0}).toFloatArray();
            List<String> texts = text.heldOut().stream().filter(s -> s.length() > 20).limit(fidelityTexts).toList();
            metrics = metrics.withFidelity(SaeEvaluator.fidelity(m, sae, texts, mean));
            System.out.printf("%s (%s, d_sae %d) at %s%n", dir, sae.config().architecture().cfgName()
                    + (sae.config().k() > 0 ? " k=" + sae.config().k() : ""), sae.config().dSae(), sae.config().hookName());
            System.out.println(metrics.summary());
            return 0;
        }
    }
}
