package lantern.service.cli;

import lantern.api.verbalizer.VerbalizerTrainRequest;
import lantern.api.verbalizer.VerbalizerTrainResult;
import lantern.cli.DataOption;
import lantern.core.ModelSource;
import lantern.core.VerbalizerTraining;
import lantern.train.DecoderTrainer;
import picocli.CommandLine;

import java.util.concurrent.Callable;

@CommandLine.Command(name = "verbalizer", mixinStandardHelpOptions = true,
        description = "Train a verbalizer: a decoder that reads a hidden state (through a learned map into soft "
                + "tokens) and writes the text it came from; Brown, held out by file. For a decoder subject it starts "
                + "from a copy of the subject; for MiniLM from --base (default brown-llama). Writes an HF folder "
                + "<data>/models/NAME plus the map, registered in models.json; a killed run resumes.")
public class TrainVerbalizerCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--model", required = true, description = "Subject: minilm-l6 or a registered decoder.")
    String model;
    @CommandLine.Option(names = "--hook", required = true, description = "Hook to read, e.g. blocks.2.hook_resid_post.")
    String hook;
    @CommandLine.Option(names = "--pool", description = "last (decoder default), mean (encoder default), embedding.")
    String pool;
    @CommandLine.Option(names = "--base", description = "Decoder the verbalizer starts from (encoder subjects; default brown-llama).")
    String base;
    @CommandLine.Option(names = "--name", description = "Registered name (default <model>-verbalizer-<hook>[-<pool>]).")
    String name;
    @CommandLine.Option(names = "--minutes", defaultValue = "5", description = "Training time (default: ${DEFAULT-VALUE}).")
    double minutes;
    @CommandLine.Option(names = "--steps", defaultValue = "0", description = "Steps instead of --minutes (reproducible).")
    long steps;
    @CommandLine.Option(names = "--soft-tokens", defaultValue = "4")
    int softTokens;
    @CommandLine.Option(names = "--max-tokens", description = "Longest text to write (default 12 for decoders, 32 for encoders).")
    Integer maxTokens;
    @CommandLine.Option(names = "--batch", defaultValue = "32")
    int batch;
    @CommandLine.Option(names = "--lr", defaultValue = "1e-3")
    double lr;
    @CommandLine.Option(names = "--warmup", defaultValue = "20")
    int warmup;
    @CommandLine.Option(names = "--seed", defaultValue = "1")
    long seed;
    @CommandLine.Option(names = "--brown-files", defaultValue = "0", description = "Use the first N Brown files (0: all).")
    int brownFiles;
    @CommandLine.Option(names = "--held-out", defaultValue = "256", description = "Held-out examples scored at the end.")
    int heldOut;
    @CommandLine.Option(names = "--checkpoint-minutes", defaultValue = "1")
    double checkpointMinutes;
    @CommandLine.Option(names = "--threads", description = "libtorch threads (default: as launched).")
    Integer threads;
    @CommandLine.Option(names = "--retrain", description = "Train again even when the folder is complete.")
    boolean retrain;
    @CommandLine.Mixin
    DataOption data = new DataOption();

    @Override
    public Integer call() throws Exception {
        if (threads != null) DecoderTrainer.setThreads(threads);
        try {
            long t0 = System.nanoTime();
            VerbalizerTrainResult r = new VerbalizerTraining(ModelSource.loading(data.path(), null), data.path()).train(
                    new VerbalizerTrainRequest(model, hook, pool, base, name, minutes, steps, softTokens, maxTokens, batch,
                            lr, warmup, seed, brownFiles, heldOut, checkpointMinutes, retrain),
                    new TrainingBar("examples/s", false));
            if (r.alreadyTrained()) {
                System.out.println("verbalizer " + r.name() + " is already trained at " + r.dir() + " (--retrain)");
                return 0;
            }
            System.err.println();
            System.out.printf("trained %s: %,d steps in %.1f s of training (%.1f s wall), loss %.3f -> held-out %.3f "
                            + "nats/token%n", r.name(), r.steps(), r.seconds(), (System.nanoTime() - t0) / 1e9, r.firstLoss(),
                    r.heldOutLoss());
            System.out.println("verbalizer folder: " + r.dir() + " (registered as '" + r.name() + "')");
            return 0;
        } catch (IllegalArgumentException | java.util.NoSuchElementException e) {
            return fail(e.getMessage());
        }
    }

    private static int fail(String message) {
        System.err.println("lantern train verbalizer: " + message);
        return 2;
    }
}
