package lantern.core;

import lantern.api.verbalizer.VerbalizerTrainRequest;
import lantern.api.verbalizer.VerbalizerTrainResult;
import lantern.errors.InvalidInputException;
import lantern.subject.HookedModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.selfreport.Pool;
import lantern.subject.selfreport.StateReader;
import lantern.subject.selfreport.VerbalizerNames;
import lantern.subject.selfreport.VerbalizerSpec;
import lantern.subject.selfreport.Verbalizers;
import lantern.train.DecoderTrainingRun;
import lantern.train.VerbalizerData;
import lantern.train.VerbalizerTrainer;
import lantern.train.VerbalizerTrainingRun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Training a verbalizer ({@code lantern train verbalizer}): for a decoder subject it starts from a copy of the subject,
 * for an encoder from a base decoder; writes an HF folder {@code <data>/models/NAME} plus the map, registered in
 * models.json; a killed run resumes ({@link VerbalizerTrainingRun}).
 */
public final class VerbalizerTraining {
    private final ModelSource models;
    private final Path dataDir;

    public VerbalizerTraining(ModelSource models, Path dataDir) {
        this.models = models;
        this.dataDir = dataDir;
    }

    public VerbalizerTrainResult train(VerbalizerTrainRequest r, DecoderTrainingRun.Listener listener) throws IOException {
        try {
            return models.withModel(Lenses.requireModel(r.model()), m -> {
                if (!(m instanceof HookedModel subject)) {
                    throw new InvalidInputException("model '" + r.model() + "' cannot be run through hooks");
                }
                try {
                    return train(subject, r, listener);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private VerbalizerTrainResult train(HookedModel subject, VerbalizerTrainRequest r, DecoderTrainingRun.Listener listener)
            throws IOException {
        boolean decoder = subject.isDecoder();
        String subjectId = subject.info().id();
        Pool p = r.pool() == null ? Pool.defaultFor(decoder) : Pool.parse(r.pool());
        if (decoder && p != Pool.LAST) throw new InvalidInputException("decoder states are read at a token: --pool last");
        StateReader.requireHook(subject, r.hook());
        Path baseDir = Verbalizers.folder(decoder ? r.model() : r.base() == null ? "brown-llama" : r.base(), dataDir);
        int max = r.maxTokens() != null ? r.maxTokens() : decoder ? 12 : 32;
        String n = r.name() != null ? r.name() : VerbalizerNames.of(subjectId, r.hook(), p, decoder);
        VerbalizerTrainingRun run = new VerbalizerTrainingRun(dataDir);
        if (run.trained(n) && !r.retrain()) return new VerbalizerTrainResult(n, run.modelDir(n), true, 0, 0, 0, 0);
        // encoders: the base decoder's tokenizer writes the targets; it stays open for the whole run
        try (DecoderModel baseModel = decoder ? null : DecoderModels.loadHf("base", baseDir, null)) {
            VerbalizerData d = decoder ? VerbalizerData.decoderWindows(subject, r.hook(), dataDir, r.brownFiles(), max)
                    : VerbalizerData.sentences(subject, r.hook(), p, baseModel.tokenizer(), dataDir, r.brownFiles(), max);
            VerbalizerSpec spec = new VerbalizerSpec(subjectId, r.hook(), p.id(), r.softTokens(), d.width(), max);
            var o = new VerbalizerTrainingRun.Options(n, spec, baseDir, new VerbalizerTrainer.Config(r.softTokens(),
                    d.width(), r.batch(), r.lr(), r.warmup(), 0.0, 1.0, r.seed()), r.minutes(), r.steps(),
                    r.checkpointMinutes(), 0, r.brownFiles(), r.heldOut());
            VerbalizerTrainingRun.Result t = run.run(o, d, listener);
            return new VerbalizerTrainResult(n, t.dir(), false, t.steps(), t.seconds(), t.firstLoss(), t.heldOutLoss());
        }
    }
}
