package lantern.service.cli;

import lantern.cli.DecoderCli;
import lantern.cli.DataOption;
import lantern.train.DecoderTrainingRun;
import lantern.train.DecoderTrainer;
import lantern.train.TrainConfig;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

@CommandLine.Command(name = "decoder", mixinStandardHelpOptions = true,
        description = "Train a Llama-family decoder (RMSNorm, RoPE, SwiGLU) on Brown with a BPE fitted here; writes "
                + "a Hugging Face folder <data>/models/NAME registered in models.json. A killed run started again "
                + "resumes from its last checkpoint.")
public class TrainDecoderCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--corpus", defaultValue = "brown", description = "Training corpus (only brown).")
    String corpus;
    public static final String DEFAULT_NAME = "brown-llama";

    @CommandLine.Option(names = "--name", defaultValue = DEFAULT_NAME)
    String name;
    @CommandLine.Option(names = "--layers", defaultValue = "4")
    int layers;
    @CommandLine.Option(names = "--d-model", defaultValue = "128")
    int dModel;
    @CommandLine.Option(names = "--heads", defaultValue = "4")
    int heads;
    @CommandLine.Option(names = "--d-mlp", description = "SwiGLU width (default: 8/3 d_model rounded up to 32).")
    Integer dMlp;
    @CommandLine.Option(names = "--context", defaultValue = "128")
    int context;
    @CommandLine.Option(names = "--vocab", defaultValue = "2048", description = "BPE vocabulary size (default: ${DEFAULT-VALUE}).")
    int vocab;
    @CommandLine.Option(names = "--batch", defaultValue = "16", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
    int batch;
    @CommandLine.Option(names = "--lr", defaultValue = "3e-3", description = "Peak AdamW learning rate (default: ${DEFAULT-VALUE}).")
    double lr;
    @CommandLine.Option(names = "--warmup", defaultValue = "30", description = "Warm-up steps (default: ${DEFAULT-VALUE}).")
    int warmup;
    @CommandLine.Option(names = "--weight-decay", defaultValue = "0.1")
    double weightDecay;
    @CommandLine.Option(names = "--tied", description = "Tie the LM head to the embedding.")
    boolean tied;
    @CommandLine.Option(names = "--minutes", defaultValue = "30", description = "Training time (default: ${DEFAULT-VALUE}); the step count is fixed from the first steps' speed.")
    double minutes;
    @CommandLine.Option(names = "--tokens", defaultValue = "0", description = "Training tokens instead of --minutes (exactly reproducible).")
    long tokens;
    @CommandLine.Option(names = "--seed", defaultValue = "1")
    long seed;
    @CommandLine.Option(names = "--threads", description = "libtorch threads (default: as launched).")
    Integer threads;
    @CommandLine.Option(names = "--checkpoint-minutes", defaultValue = "3")
    double checkpointMinutes;
    @CommandLine.Option(names = "--export", description = "Also write another format: llama2c (NAME.bin + tokenizer.bin in the folder).")
    String export;
    @CommandLine.Option(names = "--retrain", description = "Train again even when the model folder is complete.")
    boolean retrain;
    @CommandLine.Mixin
    DataOption data = new DataOption();

    @Override
    public Integer call() throws Exception {
        if (!corpus.equals("brown")) return fail("--corpus: only 'brown' can be trained on, got '" + corpus + "'");
        if (export != null && !export.equals("llama2c")) return fail("--export: only 'llama2c', got '" + export + "'");
        TrainConfig c;
        try {
            c = new TrainConfig(layers, dModel, heads, dMlp != null ? dMlp : TrainConfig.swigluWidth(dModel), context,
                    vocab, batch, lr, warmup, weightDecay, 1.0, 0.9, 0.95, tied, seed);
        } catch (IllegalArgumentException e) {
            return fail(e.getMessage());
        }
        if (threads != null) DecoderTrainer.setThreads(threads);
        DecoderTrainingRun run = new DecoderTrainingRun(data.path());
        if (run.trained(name) && !retrain) {
            System.out.println("model " + name + " is already trained at " + run.modelDir(name)
                    + " (see its training.json; --retrain to train again)");
            return 0;
        }
        var o = new DecoderTrainingRun.Options(name, c, minutes, tokens, checkpointMinutes, 0,
                "llama2c".equals(export), 40, 0);
        DecoderTrainingRun.Result r;
        try {
            r = run.run(o, new TrainingBar("tok/s", true));
        } catch (IllegalArgumentException e) {
            return fail(e.getMessage());
        }
        System.err.println();
        double gemm = DecoderTrainer.gemmGflops(3);
        double flops = 6.0 * r.params() * r.tokensPerSecond() / 1e9;
        System.out.printf("trained %s: %,d parameters, %,d steps, %,.0f tokens/s (%d threads)%n", name, r.params(),
                r.steps(), r.tokensPerSecond(), DecoderTrainer.threads());
        System.out.printf("MFU: 6 x params x tokens/s = %.1f GFLOP/s vs fp32 gemm 2048^3 %.1f GFLOP/s now = %.2f%n",
                flops, gemm, flops / gemm);
        var h = r.heldOut();
        System.out.printf("held-out per-token perplexity over %,d tokens: model %.2f | KN trigram %.2f | unigram %.2f%n",
                h.tokens(), h.perplexity(), h.trigramPerplexity(), h.unigramPerplexity());
        for (Map.Entry<String, String> s : r.samples().entrySet()) {
            System.out.printf("greedy: %s|%s%n", s.getKey(), DecoderCli.oneLine(s.getValue()));
        }
        System.out.println("model folder: " + r.dir() + " (registered as '" + name + "')");
        return 0;
    }

    /** `lantern train decoder` with its defaults (a no-op when the model is on disk); for quickstart --decoder. */
    public static int trainDefault(Path dataDir) {
        return new CommandLine(new TrainDecoderCommand()).execute("--data", dataDir.toString());
    }

    private static int fail(String message) {
        System.err.println("lantern train decoder: " + message);
        return 2;
    }
}
