package lantern.service.cli;

import lantern.cli.DataOption;
import lantern.core.Models;
import lantern.train.VerbalizerData;
import lantern.train.VerbalizerTrainingRun;
import lantern.subject.HookedModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.selfreport.Pool;
import lantern.subject.selfreport.StateReader;
import lantern.subject.selfreport.VerbalizerNames;
import lantern.subject.selfreport.VerbalizerSpec;
import lantern.subject.selfreport.Verbalizers;
import lantern.train.DecoderTrainer;
import lantern.train.VerbalizerTrainer;
import picocli.CommandLine;

import java.nio.file.Path;
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
        DecoderModel baseModel = null;
        if (threads != null) DecoderTrainer.setThreads(threads);
        try (HookedModel subject = Models.hooked(model, data.path())) {
            boolean decoder = subject.isDecoder();
            String subjectId = subject.info().id();
            Pool p = pool == null ? Pool.defaultFor(decoder) : Pool.parse(pool);
            if (decoder && p != Pool.LAST) return fail("decoder states are read at a token: --pool last");
            StateReader.requireHook(subject, hook);
            Path baseDir = Verbalizers.folder(decoder ? model : base == null ? "brown-llama" : base, data.path());
            int max = maxTokens != null ? maxTokens : decoder ? 12 : 32;
            String n = name != null ? name : VerbalizerNames.of(subjectId, hook, p, decoder);
            VerbalizerTrainingRun run = new VerbalizerTrainingRun(data.path());
            if (run.trained(n) && !retrain) {
                System.out.println("verbalizer " + n + " is already trained at " + run.modelDir(n) + " (--retrain)");
                return 0;
            }
            // encoders: the base decoder's tokenizer writes the targets; it stays open for the whole run
            baseModel = decoder ? null : DecoderModels.loadHf("base", baseDir, null);
            VerbalizerData d = decoder ? VerbalizerData.decoderWindows(subject, hook, data.path(), brownFiles, max)
                    : VerbalizerData.sentences(subject, hook, p, baseModel.tokenizer(), data.path(), brownFiles, max);
            VerbalizerSpec spec = new VerbalizerSpec(subjectId, hook, p.id(), softTokens, d.width(), max);
            var o = new VerbalizerTrainingRun.Options(n, spec, baseDir, new VerbalizerTrainer.Config(softTokens,
                    d.width(), batch, lr, warmup, 0.0, 1.0, seed), minutes, steps, checkpointMinutes, 0, brownFiles,
                    heldOut);
            long t0 = System.nanoTime();
            VerbalizerTrainingRun.Result r = run.run(o, d, new TrainingBar("examples/s", false));
            System.err.println();
            System.out.printf("trained %s: %,d steps in %.1f s of training (%.1f s wall), loss %.3f -> held-out %.3f "
                            + "nats/token%n", n, r.steps(), r.seconds(), (System.nanoTime() - t0) / 1e9, r.firstLoss(),
                    r.heldOutLoss());
            System.out.println("verbalizer folder: " + r.dir() + " (registered as '" + n + "')");
            return 0;
        } catch (IllegalArgumentException | java.util.NoSuchElementException e) {
            return fail(e.getMessage());
        } finally {
            if (baseModel != null) baseModel.close();
        }
    }

    private static int fail(String message) {
        System.err.println("lantern train verbalizer: " + message);
        return 2;
    }
}
