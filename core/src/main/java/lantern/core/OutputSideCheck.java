package lantern.core;

import lantern.eval.causal.OutputSideScorer;
import lantern.api.FeatureRecords;
import lantern.subject.SubjectModel;
import lantern.subject.decoder.DecoderModel;

/**
 * The output side of a collected feature ({@link OutputSideScorer}) when its model has an unembedding (decoders);
 * null for others (an encoder's features promote no tokens). Plain, as {@link CausalCheck}: the app's explanation
 * service and the CLI use it.
 */
public final class OutputSideCheck {
    private final LoadedModels models;
    private final java.nio.file.Path dataDir;

    public OutputSideCheck(LoadedModels models, java.nio.file.Path dataDir) {
        this.models = models;
        this.dataDir = dataDir;
    }

    public OutputSideScore of(FeatureRecords records) {
        if (notMeasured(records)) return null;
        // only registered decoders have an unembedding: an encoder is not loaded just to find that out
        if (!new lantern.subject.decoder.DecoderRegistry(dataDir).contains(records.id().model())) return null;
        SubjectModel m = models.get(records.id().model());
        DecoderModel d = m.languageModel().orElse(null);
        if (d == null) return null;
        return OutputSideScore.of(new OutputSideScorer(d, models.saes()).score(records));
    }

    /** The same for one decoder already loaded (the CLI's). */
    public static OutputSideScore of(DecoderModel d, lantern.subject.sae.SaeStore saes, FeatureRecords records) {
        if (notMeasured(records)) return null;
        return OutputSideScore.of(new OutputSideScorer(d, saes).score(records));
    }

    /** Transcoder features (tc-NAME) have no output side yet: the scorer reads MLP neurons and SAE decoder rows. */
    static boolean notMeasured(FeatureRecords records) {
        return lantern.subject.transcoder.TranscoderFeatures.isKind(records.id().kind());
    }
}
