package lantern.service.cli;

import ai.djl.ndarray.NDManager;
import lantern.subject.HookNames;
import lantern.subject.EncoderModel;
import lantern.subject.HookedModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.sae.HookActivationCollector;
import lantern.subject.sae.Sae;
import lantern.subject.sae.SaeArchitecture;
import lantern.subject.sae.SaeEvaluator;
import lantern.subject.sae.SaeLensFormat;
import lantern.subject.sae.SaeMetrics;
import lantern.subject.sae.SaeStore;
import lantern.subject.sae.SaeTrainer;
import lantern.subject.sae.SaeTrainingOptions;
import lantern.subject.sae.TokenActivations;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@CommandLine.Command(name = "train", mixinStandardHelpOptions = true,
        description = "Trains a TopK (or ReLU + L1) sparse autoencoder on a hook's activations over Brown, measures it on held-out documents and saves it in SAELens format.")
public class SaeTrainCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ModelOptions model;

    @CommandLine.Mixin
    DataOption data;

    @CommandLine.Option(names = "--hook", defaultValue = "blocks.3.hook_resid_post", description = "Hook point (default: ${DEFAULT-VALUE}).")
    String hook;

    @CommandLine.Option(names = "--features", defaultValue = "3072", description = "SAE width d_sae (default: ${DEFAULT-VALUE}).")
    int features;

    @CommandLine.Option(names = "--k", defaultValue = "32", description = "Active features per token for TopK; 0 trains ReLU + L1 (default: ${DEFAULT-VALUE}).")
    int k;

    @CommandLine.Option(names = "--l1", defaultValue = "5", description = "L1 coefficient for ReLU SAEs (default: ${DEFAULT-VALUE}).")
    float l1;

    @CommandLine.Option(names = "--tokens", defaultValue = "1000000", description = "Training tokens (default: ${DEFAULT-VALUE}).")
    long tokens;

    @CommandLine.Option(names = "--heldout-tokens", defaultValue = "50000", description = "Held-out tokens for metrics (default: ${DEFAULT-VALUE}).")
    long heldOutTokens;

    @CommandLine.Option(names = "--fidelity-texts", defaultValue = "256", description = "Held-out sentences for the downstream fidelity: embedding cosine (encoders) or next-token loss (decoders) (default: ${DEFAULT-VALUE}).")
    int fidelityTexts;

    @CommandLine.Option(names = "--epochs", defaultValue = "1", description = "Passes over the training tokens (default: ${DEFAULT-VALUE}).")
    double epochs;

    @CommandLine.Option(names = "--batch-size", defaultValue = "1024", description = "Tokens per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @CommandLine.Option(names = "--lr", defaultValue = "0.004", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    float lr;

    @CommandLine.Option(names = "--dead-after", defaultValue = "100000", description = "Tokens without firing before a feature counts as dead (default: ${DEFAULT-VALUE}).")
    long deadAfter;

    @CommandLine.Option(names = "--resample-every", defaultValue = "100", description = "Steps between dead-feature resamplings; 0: never (default: ${DEFAULT-VALUE}).")
    int resampleEvery;

    @CommandLine.Option(names = "--seed", defaultValue = "42")
    long seed;

    @CommandLine.Option(names = "--out", description = "Folder to save to (default: {data}/saes/{model}/{layer}/{kind}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (tokens < batchSize) throw new IllegalArgumentException("--tokens must be at least --batch-size");
        SaeTrainingOptions opt = new SaeTrainingOptions(k > 0 ? SaeArchitecture.TOPK : SaeArchitecture.STANDARD, features,
                k, l1, lr, batchSize, epochs, deadAfter, resampleEvery, seed);
        long t0 = System.nanoTime();
        try (HookedModel m = load(); NDManager nd = m.manager().newSubManager()) {
            HookNames.requireValid(hook, m.info().layers());
            SaeText text = SaeText.brown(data.path(), seed);
            HookActivationCollector collector = new HookActivationCollector(m);
            ProgressBar bar = new ProgressBar(System.err);
            TokenActivations train = collect(collector, bar, "collect train", text.train(), tokens, nd);
            TokenActivations held = collect(collector, bar, "collect held-out", text.heldOut(), heldOutTokens, nd);

            SaeTrainer.Result r = new SaeTrainer(opt, (step, steps, loss, l0, ev, dead, resampled) ->
                    bar.update("train", step, steps, "steps", String.format(Locale.ROOT,
                            "loss %.3f L0 %.1f EV %.3f dead %d resampled %d", loss, l0, ev, dead, resampled)))
                    .train(m.info().id(), train, nd);
            bar.finish();
            try (Sae sae = r.sae()) {
                System.err.println("measuring on held-out documents ...");
                SaeMetrics metrics = SaeEvaluator.reconstruction(sae, held);
                float[] mean = held.data().mean(new int[]{0}).toFloatArray();
                List<String> fidelityTexts = text.heldOut().stream().filter(s -> s.length() > 20).limit(this.fidelityTexts).toList();
                if (m instanceof EncoderModel b) metrics = metrics.withFidelity(SaeEvaluator.fidelity(b, sae, fidelityTexts, mean));
                if (m instanceof DecoderModel d) metrics = metrics.withNextToken(SaeEvaluator.nextToken(d, sae, fidelityTexts, mean));

                Map<String, Object> notes = new LinkedHashMap<>();
                notes.put("metrics", metrics);
                notes.put("training", Map.of("tokens", train.tokens(), "texts", train.texts(), "steps", r.steps(),
                        "tokens_seen", r.tokensSeen(), "resampled", r.resampled(), "seconds", r.seconds(),
                        "input_scale", r.inputScale(), "options", opt));
                notes.put("data", m.isDecoder()
                        ? "Brown sentences, each after the model's BOS; every 10th document held out; BOS rows and padding dropped"
                        : "Brown, every 10th document held out; all real tokens incl. [CLS]/[SEP], padding dropped");
                Path dir;
                if (out != null) {
                    SaeLensFormat.save(sae, out);
                    SaeLensFormat.writeJson(out.resolve(SaeStore.METRICS), notes);
                    dir = out;
                } else {
                    try (SaeStore store = new SaeStore(data.path(), nd)) {
                        dir = store.save(sae, notes);
                    }
                }
                System.out.printf(Locale.ROOT, "%s: %d features, %s, trained on %,d tokens (%d steps) in %.1f s (%.1f s in all)%n",
                        sae.config().kind(), features, k > 0 ? "k=" + k : "l1=" + l1, train.tokens(), r.steps(), r.seconds(),
                        (System.nanoTime() - t0) / 1e9);
                System.out.println(metrics.summary());
                System.out.printf("saved to %s (feature ids %s/%d/%s/N)%n", dir, m.info().id(), sae.config().layer(), sae.config().kind());
            }
            return 0;
        }
    }

    private HookedModel load() {
        if (EncoderModel.MINILM_ID.equals(model.model())) return ModelLoader.load(model.model());
        return DecoderCli.load(model.model(), model.tokenizer(), data.path(), "SAE training");
    }

    private TokenActivations collect(HookActivationCollector c, ProgressBar bar, String phase, List<String> texts, long max, NDManager nd) {
        long t0 = System.nanoTime();
        bar.update(phase, 0, max, "tokens", ""); // starts the phase's clock
        TokenActivations a = c.collect(hook, texts, max, nd, n -> bar.update(phase, Math.min(n, max), max, "tokens", ""));
        bar.finish();
        System.err.printf(Locale.ROOT, "%s: %,d tokens from %,d sentences in %.1f s%n", phase, a.tokens(), a.texts(),
                (System.nanoTime() - t0) / 1e9);
        return a;
    }
}
