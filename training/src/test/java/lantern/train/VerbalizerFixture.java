package lantern.train;

import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.selfreport.Pool;
import lantern.subject.selfreport.VerbalizerSpec;
import lantern.train.DecoderTrainer;
import lantern.train.TrainConfig;
import lantern.train.VerbalizerTrainer;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tiny decoder trained here on the first 21 Brown files (a real BPE, real checkpoint format) as the subject of
 * verbalizer tests, and the tiny verbalizer options those tests use. Trained once per build into {@code target/}.
 */
public final class VerbalizerFixture {
    public static final Path DATA = Path.of("target/verbalizer-fixture").toAbsolutePath();
    public static final String SUBJECT = "tiny-subject";
    public static final String HOOK = "blocks.0.hook_resid_post";
    /** Encoder verbalizers: two held-out files (10 and 30), sentences that fit the tiny decoder's 24 positions. */
    public static final int ENCODER_BROWN_FILES = 41;
    public static final int ENCODER_MAX_TOKENS = 20;
    static final DecoderTrainingRun.Options SUBJECT_OPTIONS = new DecoderTrainingRun.Options(SUBJECT,
            new TrainConfig(1, 32, 2, 64, 24, 300, 4, 1e-2, 2, 0.1, 1.0, 0.9, 0.95, false, 3),
            0, 4 * 4 * 24, 0, 0, false, 0, 21);

    private VerbalizerFixture() {
    }

    /** The subject's HF folder (trained on first use). */
    public static synchronized Path subject() throws Exception {
        DecoderTrainingRun run = new DecoderTrainingRun(DATA);
        if (!run.trained(SUBJECT)) {
            Path brown = DATA.resolve("corpora").resolve("brown");
            if (!Files.exists(brown)) {
                Files.createDirectories(brown.getParent());
                Files.createSymbolicLink(brown, Path.of("lantern-data/corpora/brown").toAbsolutePath());
            }
            run.run(SUBJECT_OPTIONS, quiet());
        }
        return run.modelDir(SUBJECT);
    }

    public static DecoderModel load() throws Exception {
        return DecoderModels.loadHf(SUBJECT, subject(), null);
    }

    /** Tiny verbalizer options: 2 soft tokens, windows of up to 6 tokens, batch 8. */
    public static VerbalizerTrainingRun.Options options(String name, long steps, int checkpointSteps)
            throws Exception {
        VerbalizerSpec spec = new VerbalizerSpec(SUBJECT, HOOK, Pool.LAST.id(), 2, 32, 6);
        return new VerbalizerTrainingRun.Options(name, spec, subject(),
                new VerbalizerTrainer.Config(2, 32, 8, 1e-2, 2, 0.0, 1.0, 7), 0, steps, 0, checkpointSteps, 21, 16);
    }

    /**
     * A tiny verbalizer of an encoder's mean-pooled {@code hook}, written by this fixture's tiny decoder (2 soft
     * tokens, sentences of the first {@value #ENCODER_BROWN_FILES} Brown files of at most {@value #ENCODER_MAX_TOKENS}
     * of its tokens, batch 8), trained into {@code dataDir} (which must hold
     * {@code corpora/brown}) under its default name unless there already; returns its folder.
     */
    public static Path encoderVerbalizer(Path dataDir, lantern.subject.HookedModel encoder, String hook, long steps)
            throws Exception {
        String name = lantern.subject.selfreport.VerbalizerNames.of(encoder.info().id(), hook, Pool.MEAN, false);
        VerbalizerTrainingRun run = new VerbalizerTrainingRun(dataDir);
        if (!run.trained(name)) {
            try (DecoderModel base = load()) {
                VerbalizerData d = VerbalizerData.sentences(encoder, hook, Pool.MEAN, base.tokenizer(), dataDir,
                        ENCODER_BROWN_FILES, ENCODER_MAX_TOKENS);
                VerbalizerSpec spec = new VerbalizerSpec(encoder.info().id(), hook, Pool.MEAN.id(), 2, d.width(),
                        ENCODER_MAX_TOKENS);
                run.run(new VerbalizerTrainingRun.Options(name, spec, subject(),
                        new VerbalizerTrainer.Config(2, d.width(), 8, 1e-2, 2, 0.0, 1.0, 7), 0, steps, 0, 0,
                        ENCODER_BROWN_FILES, 16), d, quiet());
            }
        }
        return run.modelDir(name);
    }

    /**
     * A data folder shared by the encoder-verbalizer tests of every module (they run in the repository root): Brown
     * linked, the tiny subject registered (the verbalizer's base decoder).
     */
    public static synchronized Path encoderData() throws Exception {
        Path dir = Path.of("target/verbalizer-encoder-data").toAbsolutePath();
        Path brown = dir.resolve("corpora").resolve("brown");
        if (!Files.exists(brown)) {
            Files.createDirectories(brown.getParent());
            Files.createSymbolicLink(brown, Path.of("lantern-data/corpora/brown").toAbsolutePath());
        }
        new lantern.subject.decoder.DecoderRegistry(dir).add(SUBJECT, subject(), null);
        return dir;
    }

    public static VerbalizerData data(DecoderModel subject) {
        return VerbalizerData.decoderWindows(subject, HOOK, DATA, 21, 6);
    }

    public static DecoderTrainingRun.Listener quiet() {
        return new DecoderTrainingRun.Listener() {
            @Override
            public void note(String line) {
            }

            @Override
            public void onStep(long step, long total, DecoderTrainer.StepResult r, double tps, double eta) {
            }
        };
    }
}
