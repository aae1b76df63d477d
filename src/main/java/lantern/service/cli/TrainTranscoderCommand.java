package lantern.service.cli;

import lantern.cli.DecoderCli;
import lantern.cli.ProgressBar;
import lantern.cli.ModelOptions;
import lantern.cli.DataOption;
import lantern.api.transcoder.TranscoderTrainRequest;
import lantern.core.ModelSource;
import lantern.core.TranscoderTraining;
import picocli.CommandLine;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lantern train transcoder}: options in, {@link TranscoderTraining} trains, a table out. */
@CommandLine.Command(name = "transcoder", mixinStandardHelpOptions = true,
        description = "Trains per-layer transcoders (MLP input -> MLP output, TopK or ReLU) on Brown, measures them on"
                + " held-out files and saves them in SAELens' transcoder format under {data}/transcoders/{model}/{name}/{layer};"
                + " a run started again skips the layers already done.")
public class TrainTranscoderCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ModelOptions model;

    @CommandLine.Mixin
    DataOption data;

    @CommandLine.Option(names = "--layers", defaultValue = "all", description = "Layers, e.g. 0-3 or 1,2 (default: all).")
    String layers;

    @CommandLine.Option(names = "--name", defaultValue = "tc", description = "Name of the transcoder set (default: ${DEFAULT-VALUE}).")
    String name;

    @CommandLine.Option(names = "--features", defaultValue = "2048", description = "Features per layer (default: ${DEFAULT-VALUE}).")
    int features;

    @CommandLine.Option(names = "--k", defaultValue = "32", description = "Active features per token for TopK; 0 trains ReLU + L1 (default: ${DEFAULT-VALUE}).")
    int k;

    @CommandLine.Option(names = "--activation", description = "topk or relu (default: topk when --k > 0; JumpReLU transcoders load but are not trained here).")
    String activation;

    @CommandLine.Option(names = "--l1", defaultValue = "5", description = "L1 coefficient for ReLU (default: ${DEFAULT-VALUE}).")
    float l1;

    @CommandLine.Option(names = "--tokens", defaultValue = "400000", description = "Training tokens per layer (default: ${DEFAULT-VALUE}).")
    long tokens;

    @CommandLine.Option(names = "--heldout-tokens", defaultValue = "50000", description = "Held-out tokens per layer (default: ${DEFAULT-VALUE}).")
    long heldOutTokens;

    @CommandLine.Option(names = "--loss-texts", defaultValue = "200", description = "Held-out sentences for the next-token loss (default: ${DEFAULT-VALUE}).")
    int lossTexts;

    @CommandLine.Option(names = "--epochs", defaultValue = "2", description = "Passes over the training tokens (default: ${DEFAULT-VALUE}).")
    double epochs;

    @CommandLine.Option(names = "--batch-size", defaultValue = "1024")
    int batchSize;

    @CommandLine.Option(names = "--lr", defaultValue = "0.004")
    float lr;

    @CommandLine.Option(names = "--seed", defaultValue = "42")
    long seed;

    @Override
    public Integer call() {
        return DecoderCli.run(() -> {
            var request = new TranscoderTrainRequest(model.model(), name, layers, activation, features, k, l1, lr, batchSize,
                    epochs, seed, tokens, heldOutTokens, lossTexts);
            ProgressBar bar = new ProgressBar(System.err);
            var r = new TranscoderTraining(ModelSource.loading(data.path(), model.tokenizer()), data.path()).train(request,
                    new TranscoderTraining.Listener() {
                        String phase;

                        @Override
                        public void collecting(int layer, String p, long n, long total) {
                            String label = "layer " + layer + " " + p;
                            if (phase != null && !phase.equals(label)) bar.finish();
                            phase = label;
                            bar.update(label, n, total, "tokens", "");
                        }

                        @Override
                        public void onStep(int step, int steps, float loss, float l0, float ev, int dead, int resampled) {
                            if (!"train".equals(phase)) bar.finish();
                            phase = "train";
                            bar.update("train", step, steps, "steps", String.format(Locale.ROOT,
                                    "loss %.3f L0 %.1f EV %.3f dead %d resampled %d", loss, l0, ev, dead, resampled));
                        }

                        @Override
                        public void layerDone(TranscoderTraining.LayerResult lr) {
                            bar.finish();
                            phase = null;
                            if (lr.resumed()) System.err.println("layer " + lr.layer() + ": already trained, kept (" + lr.dir() + ")");
                        }
                    });
            bar.finish();
            String act = TranscoderTraining.activationName(request);
            System.out.printf("transcoders '%s' of %s (%s, %d features%s), held-out Brown files:%n", r.name(), r.model(),
                    act, features, act.equals("topk") ? ", k=" + k : "");
            System.out.println("| layer | explained variance of MLP out | L0 | dead | train s |");
            System.out.println("|---:|---:|---:|---:|---:|");
            for (var lr : r.layers()) {
                System.out.printf(Locale.ROOT, "| %d | %.4f | %.1f | %.2f%% | %.0f |%n", lr.layer(),
                        lr.heldOut().explainedVariance(), lr.heldOut().l0(), 100 * lr.heldOut().deadFraction(), lr.seconds());
            }
            var loss = r.loss();
            System.out.printf(Locale.ROOT, "next-token loss over %d held-out tokens (%d sentences): clean %.4f,"
                            + " every MLP replaced by its transcoder %.4f, MLPs zero-ablated %.4f (loss recovered %.3f)%n",
                    loss.predictions(), loss.texts(), loss.clean(), loss.replaced(), loss.zeroAblated(), loss.lossRecovered());
            System.out.println("saved to " + r.dir());
            return 0;
        });
    }
}
