package lantern.core;

import ai.djl.ndarray.NDManager;
import lantern.api.sae.SaeEvalResult;
import lantern.api.sae.SaeMetrics;
import lantern.errors.InvalidInputException;
import lantern.subject.EncoderModel;
import lantern.subject.sae.HookActivationCollector;
import lantern.subject.sae.Sae;
import lantern.subject.sae.SaeEvaluator;
import lantern.subject.sae.SaeLensFormat;
import lantern.subject.sae.SaeStore;
import lantern.subject.sae.TokenActivations;
import lantern.train.SaeText;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Measuring a saved SAE (ours or any SAELens folder of an embedded encoder) on held-out Brown documents: explained
 * variance, L0, dead features, embedding fidelity. {@code lantern sae eval} calls {@link #evaluate}.
 */
public final class SaeEvaluation {
    private final ModelSource models;
    private final Path dataDir;

    public SaeEvaluation(ModelSource models, Path dataDir) {
        this.models = models;
        this.dataDir = dataDir;
    }

    /**
     * @param saeDir      a SAELens folder, or null to name it by {@code featureKind}
     * @param featureKind {@code model/layer/kind} as in feature ids, e.g. {@code minilm-l6/3/sae-resid_post-k32}
     */
    public SaeEvalResult evaluate(Path saeDir, String featureKind, long heldOutTokens, int fidelityTexts) throws IOException {
        Path dir = saeDir != null ? saeDir : dir(featureKind);
        String modelId = SaeLensFormat.readConfig(dir).model();
        try {
            return measure(dir, modelId, heldOutTokens, fidelityTexts);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private SaeEvalResult measure(Path dir, String modelId, long heldOutTokens, int fidelityTexts) {
        return models.withModel(modelId, subject -> {
            EncoderModel m = subject.sentenceEmbedder().orElseThrow(() -> new InvalidInputException(
                    "model " + modelId + " is not a sentence encoder: sae eval measures encoder SAEs"));
            try (NDManager nd = m.manager().newSubManager(); Sae sae = SaeLensFormat.load(dir, nd)) {
                if (sae.config().dIn() != m.info().dModel() && !sae.config().hookName().contains("mlp.hook_")) {
                    throw new InvalidInputException("SAE reads " + sae.config().dIn() + " dimensions; "
                            + sae.config().hookName() + " has " + m.info().dModel());
                }
                SaeText text = SaeText.brown(dataDir, 42);
                long t0 = System.nanoTime();
                TokenActivations held = new HookActivationCollector(m).collect(sae.config().hookName(), text.heldOut(),
                        heldOutTokens, nd, n -> { });
                double collectSeconds = (System.nanoTime() - t0) / 1e9;
                SaeMetrics metrics = SaeEvaluator.reconstruction(sae, held);
                float[] mean = held.data().mean(new int[]{0}).toFloatArray();
                List<String> texts = text.heldOut().stream().filter(s -> s.length() > 20).limit(fidelityTexts).toList();
                metrics = metrics.withFidelity(SaeEvaluator.fidelity(m, sae, texts, mean));
                return new SaeEvalResult(dir, sae.config().architecture().cfgName()
                        + (sae.config().k() > 0 ? " k=" + sae.config().k() : ""), sae.config().dSae(),
                        sae.config().hookName(), held.tokens(), collectSeconds, metrics);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private Path dir(String featureKind) {
        if (featureKind == null) throw new InvalidInputException("give --sae DIR or --feature-kind model/layer/kind");
        String[] p = featureKind.split("/");
        if (p.length != 3) throw new InvalidInputException("--feature-kind must look like minilm-l6/3/sae-resid_post-k32");
        try (NDManager tmp = NDManager.newBaseManager("PyTorch"); SaeStore store = new SaeStore(dataDir, tmp)) {
            return store.dir(p[0], Integer.parseInt(p[1]), p[2]);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("layer must be an integer: " + featureKind);
        }
    }
}
