package lantern.core;

import lantern.api.FeatureId;
import lantern.api.FeatureRecords;
import lantern.api.causal.CausalScore;
import lantern.eval.causal.CausalScorer;
import lantern.eval.causal.DecoderCausalScorer;
import lantern.eval.causal.DirectionStore;
import lantern.eval.causal.InterventionPlanner;
import lantern.eval.score.FailureReasons;
import lantern.eval.score.ScoringEmbedders;
import lantern.explainer.explain.RecordSplitter;
import lantern.explainer.openai.NeuronRecordJson;
import lantern.explainer.selfreport.VerbalizerExplainer;
import lantern.explainer.selfreport.VerbalizerExplainers;
import lantern.subject.EncoderModel;
import lantern.subject.bert.EmbeddedEncoder;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.sae.SaeStore;
import lantern.subject.transcoder.FeatureDictionaries;
import lantern.subject.transcoder.TranscoderStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * Explaining (or scoring a given explanation of) one feature in this process, from a data folder: what
 * {@code lantern explain} and {@code lantern score} run. It builds what the feature needs and nothing more (the
 * feature's own encoder for the embedding score, the decoder for a decoder's causal check, output side and
 * verbalizer), runs the one explain use case ({@link ExplainFeature}: explain, score, causal check, keep, index) and
 * closes what it loaded. The service runs the same use case on the models it keeps loaded.
 */
public final class ExplainHere {
    /**
     * @param recordsFile an OpenAI neuron-explainer NeuronRecord JSON file to read the records from, else null (a collection)
     * @param collection  the collection to read from, or null for the newest current one holding the feature
     * @param explanation a hypothesis to score instead of explaining (kept marked "user", not indexed), or null
     */
    public record Request(String feature, Path recordsFile, String collection, String explainer, String simulator,
                          boolean llmJudges, boolean embedding, boolean causal, boolean output, int windows,
                          Map<String, String> llmOverrides, String explanation) {
        public Request {
            if (windows < 1) throw new IllegalArgumentException("--windows must be >= 1");
        }
    }

    private final Path dataDir;

    public ExplainHere(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** Explains (or scores) the feature; {@code indexer} adds the result to the search index (NONE: it does not). */
    public ExplanationResult run(Request r, ExplainFeature.Indexer indexer) {
        FeatureId id = FeatureId.parse(r.feature());
        FeatureRecords records = r.recordsFile() != null ? NeuronRecordJson.read(read(r.recordsFile()), id.model(), id)
                : new FeatureLookup(dataDir).load(id, r.collection());
        return explain(records, r, indexer);
    }

    /** Explains (or scores) records the caller has (the request's feature and record source are not read). */
    public ExplanationResult explain(FeatureRecords records, Request r, ExplainFeature.Indexer indexer) {
        FeatureId id = records.id();
        // An embedded encoder's causal check ablates that encoder; a decoder's ablates the decoder itself. What is not
        // needed is not loaded at all.
        boolean decoder = new ModelCatalog(dataDir).isDecoder(id.model());
        // An embedded encoder's features (MiniLM, bge-small-zh) use that encoder for the embedding score too.
        boolean embedded = EmbeddedEncoder.byId(id.model()).isPresent();
        String encoderId = embedded ? id.model() : EncoderModel.MINILM_ID;
        boolean causal = r.causal() && (embedded || decoder);
        boolean verbalize = r.explainer() != null && VerbalizerExplainer.NAME.equalsIgnoreCase(r.explainer().strip());
        boolean needEncoder = (causal || verbalize) && !decoder;
        boolean output = r.output() && decoder;
        if (verbalize && !decoder && !embedded) {
            throw new IllegalArgumentException("the verbalizer explainer reads a feature's output direction; "
                    + id.model() + " is neither a decoder registered in " + dataDir + " nor an embedded encoder");
        }
        try (EncoderModel encoder = needEncoder ? Models.encoder(encoderId) : null;
             LoadedModels encoders = new LoadedModels(dataDir);
             DecoderModel dec = (causal || verbalize || output) && decoder ? DecoderModels.load(id.model(), dataDir) : null;
             SaeStore saes = dec != null ? new SaeStore(dataDir, dec.manager())
                     : encoder == null ? null : new SaeStore(dataDir, encoder.manager());
             TranscoderStore transcoders = dec != null ? new TranscoderStore(dataDir, dec.manager()) : null;
             VerbalizerExplainers verbalizers = verbalize
                     ? new VerbalizerExplainers(dataDir, dec != null ? dec : encoder, () -> saes, () -> transcoders) : null) {
            // the embedding score's encoders, chosen per feature as the service chooses them, loaded on first use
            var service = new ExplanationService(dataDir, LlmSettingsFactory.fromMicroProfile(r.llmOverrides()),
                    !r.embedding() ? null : new ScoringEmbedders(e -> e.equals(encoderId) && encoder != null
                            ? encoder : encoders.embedder(e)), RecordSplitter.scoring(r.windows()),
                    Clock.systemUTC()).llmJudges(r.llmJudges());
            if (verbalizers != null) service.verbalizers(verbalizers::forFeature);
            if (output) service.outputSide(rec -> OutputSideCheck.of(dec, saes, rec));
            if (r.explanation() != null) return service.score(records, r.explanation(), r.simulator());
            Function<FeatureRecords, CausalScore> check = !causal ? null
                    : dec != null ? rec -> DecoderCausalScorer.of(dec, new FeatureDictionaries(saes, transcoders)).ablationScore(rec)
                    : rec -> new CausalScorer(encoder, new InterventionPlanner(encoder, saes,
                            new DirectionStore(dataDir))).ablationScore(rec);
            return new ExplainFeature(service, ExplainFeature.local(service, check), indexer)
                    .explain(records, new ExplainFeature.Options(r.explainer(), r.simulator(), check != null, null));
        }
    }

    /** "every simulation window failed (3): timeout; ..." in one line, for a result whose every simulation failed. */
    public static String failureHeadline(ExplanationResult r) {
        return FailureReasons.headline(r.scores().simulationFailures());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
