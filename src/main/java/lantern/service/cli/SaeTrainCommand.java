package lantern.service.cli;

import lantern.cli.ProgressBar;
import lantern.cli.ModelOptions;
import lantern.cli.DataOption;
import lantern.api.sae.SaeTrainRequest;
import lantern.api.sae.SaeTrainResult;
import lantern.core.ModelSource;
import lantern.core.SaeTraining;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lantern sae train}: options in, {@link SaeTraining} does the work, a progress bar and a summary out. */
@CommandLine.Command(name = "train", mixinStandardHelpOptions = true,
        description = "Trains a TopK (ReLU + L1, BatchTopK, Matryoshka) sparse autoencoder on a hook's activations over Brown, measures it on held-out documents and saves it in SAELens format.")
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

    @CommandLine.Option(names = "--architecture", description = "topk, relu, batchtopk or matryoshka (SAELens's matryoshka_batchtopk); default: topk when --k > 0, else relu.")
    String architecture;

    @CommandLine.Option(names = "--matryoshka-widths", split = ",", description = "Nested level widths for matryoshka, strictly increasing, the last = --features (default: four doubling levels).")
    java.util.List<Integer> matryoshkaWidths;

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
        long t0 = System.nanoTime();
        ProgressBar bar = new ProgressBar(System.err);
        SaeTrainResult r = new SaeTraining(ModelSource.loading(data.path(), model.tokenizer()), data.path()).train(
                new SaeTrainRequest(model.model(), hook, architecture, features, k, l1, lr, batchSize, epochs, deadAfter,
                        resampleEvery, seed, matryoshkaWidths, tokens, heldOutTokens, fidelityTexts, out),
                new SaeTraining.Listener() {
                    String phase;

                    @Override
                    public void collecting(String p, long n, long total) {
                        if (phase != null && !phase.equals(p)) bar.finish();
                        phase = p;
                        bar.update(p, n, total, "tokens", "");
                    }

                    @Override
                    public void onStep(int step, int steps, float loss, float l0, float ev, int dead, int resampled) {
                        if (!"train".equals(phase)) bar.finish();
                        phase = "train";
                        bar.update("train", step, steps, "steps", String.format(Locale.ROOT,
                                "loss %.3f L0 %.1f EV %.3f dead %d resampled %d", loss, l0, ev, dead, resampled));
                    }
                });
        bar.finish();
        System.out.printf(Locale.ROOT, "%s: %d features, %s, trained on %,d tokens (%d steps) in %.1f s (%.1f s in all)%n",
                r.kind(), r.features(), r.architecture(), r.trainTokens(), r.steps(), r.trainSeconds(),
                (System.nanoTime() - t0) / 1e9);
        System.out.println(r.metrics().summary());
        System.out.printf("saved to %s (feature ids %s/%d/%s/N)%n", r.dir(), r.model(), r.layer(), r.kind());
        return 0;
    }
}
