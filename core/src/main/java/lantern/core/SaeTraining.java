package lantern.core;

import lantern.api.sae.SaeMetrics;
import lantern.api.sae.SaeTrainRequest;
import lantern.api.sae.SaeTrainResult;
import lantern.train.SaeText;
import ai.djl.ndarray.NDManager;
import lantern.subject.EncoderModel;
import lantern.subject.HookNames;
import lantern.subject.HookedModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.sae.HookActivationCollector;
import lantern.subject.sae.Sae;
import lantern.subject.sae.SaeLensFormat;
import lantern.subject.sae.SaeArchitecture;
import lantern.subject.sae.SaeEvaluator;
import lantern.subject.sae.SaeStore;
import lantern.train.SaeTrainer;
import lantern.train.SaeTrainingListener;
import lantern.train.SaeTrainingOptions;
import lantern.subject.sae.TokenActivations;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SAE training use case, encoder or decoder alike: collect a hook's activations over Brown (every 20th document from the 11th
 * held out), train, measure on the held-out documents (reconstruction; downstream: MiniLM's embedding cosine or a
 * decoder's next-token loss) and save in SAELens format with the metrics beside it. {@code lantern sae train}
 * calls {@link #train}; it is where a REST path would call too.
 */
public final class SaeTraining {
    /** What a caller shows while it runs. */
    public interface Listener extends SaeTrainingListener {
        void collecting(String phase, long tokens, long total);
    }

    private final ModelSource models;
    private final Path dataDir;

    public SaeTraining(ModelSource models, Path dataDir) {
        this.models = models;
        this.dataDir = dataDir;
    }

    /** Trains, measures and saves one SAE. */
    public SaeTrainResult train(SaeTrainRequest r, Listener listener) throws IOException {
        if (r.tokens() < r.batchSize()) throw new lantern.errors.InvalidInputException("--tokens must be at least --batch-size");
        SaeArchitecture architecture = architecture(r.architecture(), r.k());
        SaeTrainingOptions opt = new SaeTrainingOptions(architecture, r.features(), r.k(), r.l1(), r.lr(), r.batchSize(),
                r.epochs(), r.deadAfter(), r.resampleEvery(), r.seed(), r.matryoshkaWidths(), 0.01);
        String described = architecture.usesK() ? architecture.cfgName() + " k=" + r.k() : "l1=" + r.l1();
        try {
            return models.withModel(Lenses.requireModel(r.model()), m -> {
                if (!(m instanceof HookedModel h)) throw new lantern.errors.InvalidInputException("model '" + r.model() + "' cannot be run through hooks");
                try {
                    return train(h, r, opt, described, listener);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The architecture a name gives; null: topk when {@code k > 0}, else ReLU + L1. */
    static SaeArchitecture architecture(String name, int k) {
        if (name == null) return k > 0 ? SaeArchitecture.TOPK : SaeArchitecture.STANDARD;
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "topk" -> SaeArchitecture.TOPK;
            case "relu", "standard" -> SaeArchitecture.STANDARD;
            case "batchtopk" -> SaeArchitecture.BATCHTOPK;
            case "matryoshka", "matryoshka_batchtopk" -> SaeArchitecture.MATRYOSHKA;
            default -> throw new lantern.errors.InvalidInputException("--architecture must be topk, relu, batchtopk or matryoshka, not " + name);
        };
    }

    private SaeTrainResult train(HookedModel m, SaeTrainRequest r, SaeTrainingOptions options, String described,
                                 Listener listener) throws IOException {
        HookNames.requireValid(r.hook(), m.hookNames());
        try (NDManager nd = m.manager().newSubManager()) {
            SaeText text = SaeText.brown(dataDir, options.seed());
            HookActivationCollector collector = new HookActivationCollector(m);
            TokenActivations train = collect(collector, r.hook(), "collect train", text.train(), r.tokens(), nd, listener);
            TokenActivations held = collect(collector, r.hook(), "collect held-out", text.heldOut(), r.heldOutTokens(), nd, listener);
            SaeTrainer.Result t = new SaeTrainer(options, listener).train(m.info().id(), train, nd);
            try (Sae sae = t.sae()) {
                SaeMetrics metrics = SaeEvaluator.reconstruction(sae, held);
                float[] mean = held.data().mean(new int[]{0}).toFloatArray();
                List<String> fidelityTexts = text.heldOut().stream().filter(s -> s.length() > 20).limit(r.fidelityTexts()).toList();
                EncoderModel e = m.sentenceEmbedder().orElse(null);
                if (e != null) metrics = metrics.withFidelity(SaeEvaluator.fidelity(e, sae, fidelityTexts, mean));
                DecoderModel d = m.languageModel().orElse(null);
                if (d != null) metrics = metrics.withNextToken(SaeEvaluator.nextToken(d, sae, fidelityTexts, mean));

                Map<String, Object> notes = new LinkedHashMap<>();
                notes.put("metrics", metrics);
                notes.put("training", Map.of("tokens", train.tokens(), "texts", train.texts(), "steps", t.steps(),
                        "tokens_seen", t.tokensSeen(), "resampled", t.resampled(), "seconds", t.seconds(),
                        "input_scale", t.inputScale(), "options", options));
                notes.put("data", m.isDecoder()
                        ? "Brown sentences, each after the model's BOS; every 20th document from the 11th held out (the trainers' Brown split); BOS rows and padding dropped"
                        : "Brown, every 20th document from the 11th held out (the trainers' Brown split); all real tokens incl. [CLS]/[SEP], padding dropped");
                Path dir;
                if (r.out() != null) {
                    SaeLensFormat.save(sae, r.out());
                    SaeLensFormat.writeJson(r.out().resolve(SaeStore.METRICS), notes);
                    dir = r.out();
                } else {
                    try (SaeStore store = new SaeStore(dataDir, nd)) {
                        dir = store.save(sae, notes);
                    }
                }
                return new SaeTrainResult(m.info().id(), sae.config().kind(), sae.config().layer(), r.features(), described, dir,
                        metrics, train.tokens(), t.steps(), t.seconds());
            }
        }
    }

    private static TokenActivations collect(HookActivationCollector c, String hook, String phase, List<String> texts,
                                            long max, NDManager nd, Listener listener) {
        listener.collecting(phase, 0, max);
        return c.collect(hook, texts, max, nd, n -> listener.collecting(phase, Math.min(n, max), max));
    }
}
