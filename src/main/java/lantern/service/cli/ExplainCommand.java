package lantern.service.cli;

import lantern.cli.DataOption;
import lantern.core.Models;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import lantern.eval.causal.CausalScorer;
import lantern.eval.causal.DirectionStore;
import lantern.eval.causal.InterventionPlanner;
import lantern.collect.FeatureId;
import lantern.collect.FeatureRecordSource;
import lantern.collect.FeatureRecords;
import lantern.explainer.explain.RecordSplitter;
import lantern.collect.ActivationStore;
import lantern.collect.Manifest;
import lantern.collect.SaeCollectionCheck;
import lantern.collect.StoredFeatureRecords;
import lantern.explainer.openai.NeuronRecordJson;
import lantern.core.ExplainFeature;
import lantern.core.ExplanationResult;
import lantern.core.ExplanationService;
import lantern.core.LlmSettingsFactory;
import lantern.subject.SentenceEmbedder;
import lantern.subject.EncoderModel;
import lantern.subject.sae.SaeStore;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;

/** {@code lantern explain minilm-l6/0/mlp/221 [--explainer llm --simulator llm-json]}. */
@CommandLine.Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Explains a collected feature, scores the explanation on held-out windows and stores it.")
public class ExplainCommand implements Callable<Integer> {
    @CommandLine.Parameters(index = "0", description = "Feature id, e.g. minilm-l6/0/mlp/221.")
    String feature;

    @CommandLine.Option(names = "--explainer", defaultValue = "statistical", description = "statistical (offline), llm, or verbalizer (a decoder feature's output direction read by "
            + "a verbalizer trained here: lantern train verbalizer) (default: ${DEFAULT-VALUE}).")
    String explainer;

    @CommandLine.Option(names = "--simulator", description = "statistical, llm-json or llm-logprob (default: statistical for the statistical explainer, llm-json for llm).")
    String simulator;

    @CommandLine.Option(names = "--no-index", description = "Do not add the explanation to the search index (it is kept in the feature's history either way).")
    boolean noIndex;

    /**
     * The feature index as the REST explain call uses it, from the application's container (none when the command
     * runs outside the application, as in plain unit tests). Looked up rather than injected: {@link ScoreCommand}
     * extends this command, so injecting by type would be ambiguous.
     */
    static lantern.service.SearchService searchService() {
        var container = io.quarkus.arc.Arc.container();
        if (container == null || !container.isRunning()) return null;
        var handle = container.instance(lantern.service.SearchService.class);
        return handle.isAvailable() ? handle.get() : null;
    }

    @CommandLine.Option(names = "--llm-judges", description = "With an LLM simulator, also score fuzzing and intruder with LLM judges (about ten more calls).")
    boolean llmJudges;

    @CommandLine.Option(names = "--records", description = "Read the records from an OpenAI neuron-explainer JSON file (NeuronRecord) instead of a collection.")
    Path recordsFile;

    @CommandLine.Option(names = "--name", description = "Collection name (default: the newest holding the layer).")
    String name;

    @CommandLine.Option(names = "--no-embedding", description = "Skip the embedding AUC.")
    boolean noEmbedding;

    @CommandLine.Option(names = "--no-causal", description = "Skip the causal check (ablate the feature, compare the embedding change on its top vs random windows; about a second).")
    boolean noCausal;

    @CommandLine.Option(names = "--no-output", description = "Skip the output side of a decoder feature (amplify it, measure the probability its promoted tokens gain against random units; the label then names them when that is clear).")
    boolean noOutput;

    @CommandLine.Option(names = "--windows", defaultValue = "20",
            description = "Held-out top windows and random windows to score on, at most this many each (default: ${DEFAULT-VALUE}; "
                    + "the top windows a collection holds bound it: collect with a larger --top-k for more). The score intervals narrow with more.")
    int windows;

    @CommandLine.Option(names = "--json", description = "Print the stored result as JSON.")
    boolean json;

    @CommandLine.Mixin
    DataOption data = new DataOption();

    @CommandLine.Mixin
    LlmOptions llm = new LlmOptions();

    @Override
    public Integer call() throws Exception {
        FeatureId id = FeatureId.parse(feature);
        FeatureRecords records = recordsFile != null
                ? NeuronRecordJson.read(Files.readString(recordsFile), id.model(), id)
                : source(id).load(id).orElseThrow(() -> new NoSuchElementException("no records for " + id + " in the collection"));
        Map<String, String> overrides = llm.overrides();
        // An embedded encoder's causal check ablates that encoder; a decoder's ablates the decoder itself. What is not
        // needed is not loaded at all.
        boolean decoder = new lantern.subject.decoder.DecoderRegistry(data.path()).contains(id.model());
        // An embedded encoder's features (MiniLM, bge-small-zh) use that encoder for the embedding score too.
        boolean embedded = lantern.subject.bert.EmbeddedEncoder.byId(id.model()).isPresent();
        String encoderId = embedded ? id.model() : EncoderModel.MINILM_ID;
        boolean causal = !noCausal && (embedded || decoder);
        boolean needMiniLm = causal && !decoder;
        boolean output = !noOutput && decoder;
        if (windows < 1) throw new IllegalArgumentException("--windows must be >= 1");
        boolean verbalize = lantern.explainer.selfreport.VerbalizerExplainer.NAME.equalsIgnoreCase(explainer.strip());
        if (verbalize && !decoder) {
            throw new IllegalArgumentException("the verbalizer explainer reads a decoder feature's output direction; "
                    + id.model() + " is not a decoder registered in " + data.path());
        }
        // the embedding score's encoders, chosen per feature as the service chooses them (ScoringEmbedders), loaded on first use
        try (EmbedderHandle minilm = new EmbedderHandle(needMiniLm ? Models.encoder(encoderId) : null);
             lantern.core.LoadedModels encoders = new lantern.core.LoadedModels(data.path());
             lantern.subject.decoder.DecoderModel dec = (causal || verbalize || output) && decoder
                     ? lantern.subject.decoder.DecoderModels.load(id.model(), data.path()) : null;
             SaeStore saes = dec != null ? new SaeStore(data.path(), dec.manager())
                     : minilm.model() == null ? null : new SaeStore(data.path(), minilm.model().manager());
             var transcoders = dec != null ? new lantern.subject.transcoder.TranscoderStore(data.path(), dec.manager()) : null;
             var verbalizers = verbalize
                     ? new lantern.explainer.selfreport.VerbalizerExplainers(data.path(), dec, () -> saes,
                     () -> transcoders) : null) {
            var service = new ExplanationService(data.path(), LlmSettingsFactory.fromMicroProfile(overrides),
                    noEmbedding ? null : new lantern.eval.score.ScoringEmbedders(e -> e.equals(encoderId) && minilm.model() != null
                            ? minilm.embedder() : encoders.embedder(e)), RecordSplitter.scoring(windows),
                    java.time.Clock.systemUTC()).llmJudges(llmJudges);
            if (verbalizers != null) service.verbalizers(verbalizers::forFeature);
            if (output) service.outputSide(rec -> lantern.core.OutputSideCheck.of(dec, saes, rec));
            java.util.function.Function<FeatureRecords, lantern.eval.causal.CausalScore> check = !causal ? null
                    : dec != null ? rec -> lantern.eval.causal.DecoderCausalScorer.of(dec,
                            new lantern.subject.transcoder.FeatureDictionaries(saes, transcoders)).ablationScore(rec)
                    : rec -> new CausalScorer(minilm.model(), new InterventionPlanner(minilm.model(), saes,
                            new DirectionStore(data.path()))).ablationScore(rec);
            lantern.service.SearchService search = noIndex || !indexes() ? null : searchService();
            List<String> indexed = new java.util.ArrayList<>();
            ExplanationResult r = produce(service, records, check,
                    search == null ? ExplainFeature.Indexer.NONE : (e, top) -> indexed.add(index(search, e, top)));
            if (json) {
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
            } else {
                print(r);
            }
            indexed.forEach(line -> (line.startsWith("lantern:") ? System.err : System.out).println(line));
            if (r.scores().allSimulationsFailed()) {
                // the result is stored (explanation, detection); the score is not: say why on one line
                System.err.println("lantern: every simulation window failed (" + r.scores().nFailed() + "): "
                        + lantern.eval.score.FailureReasons.headline(r.scores().simulationFailures()));
                return 1;
            }
        }
        return 0;
    }

    /** Explanations of our own are indexed for search like the REST call's; a user's scored hypothesis is not. */
    boolean indexes() {
        return true;
    }

    /**
     * Adds the explanation to the search index and commits it, as {@code POST /api/features/{id}/explain} does. A
     * running service holds the index's write lock: then the explanation stays in the feature's history only, and
     * the message says how to add it ({@code lantern index rebuild} once the service is stopped).
     */
    private String index(lantern.service.SearchService search, ExplanationResult r, List<String> topTokens) {
        try {
            search.indexAndCommit(r, topTokens);
            return "  indexed for search (" + data.path().resolve("index") + ")";
        } catch (RuntimeException e) {
            if (!(e.getCause() instanceof org.apache.lucene.store.LockObtainFailedException)) throw e;
            return "lantern: not indexed: the feature index is held by a running service (stored in the "
                    + "feature's history; `lantern index rebuild` adds it once the service is stopped, or explain "
                    + "through the service: POST /api/features/" + r.feature() + "/explain)";
        }
    }

    /**
     * Explains the feature through the explain use case (as the REST call and audits do), on this process: explain,
     * score, causal check, keep, index; {@link ScoreCommand} scores a given explanation instead.
     */
    ExplanationResult produce(ExplanationService service, FeatureRecords records,
                              java.util.function.Function<FeatureRecords, lantern.eval.causal.CausalScore> causal,
                              ExplainFeature.Indexer indexer) {
        return new ExplainFeature(service, ExplainFeature.local(service, causal), indexer)
                .explain(records, new ExplainFeature.Options(explainer, simulator, causal != null, null));
    }

    /** The named collection, or the newest of the feature's model, kind and layer that is current (not stale). */
    private FeatureRecordSource source(FeatureId id) {
        List<Manifest> candidates = ActivationStore.list(data.path()).stream()
                .filter(m -> m.model().equals(id.model()) && m.kind().equals(id.kind()) && m.layers().contains(id.layer()))
                .filter(m -> name == null || m.name().equals(name)).toList();
        if (candidates.isEmpty()) {
            throw new NoSuchElementException("no collection of " + id.model() + " layer " + id.layer() + " (" + id.kind()
                    + ")" + (name == null ? "" : " named " + name) + " in " + data.path() + " (run: lantern collect --model "
                    + id.model() + ", or pass --records file.json)");
        }
        Manifest chosen = candidates.stream().filter(m -> SaeCollectionCheck.isCurrent(data.path(), m, id.layer())).findFirst()
                .orElse(candidates.getFirst());
        SaeCollectionCheck.requireCurrent(data.path(), chosen, id.layer()); // all stale: say so, and how to recollect
        return StoredFeatureRecords.open(data.path(), id.model(), chosen.name());
    }

    static void print(ExplanationResult r) {
        var s = r.scores();
        System.out.println(r.feature() + "  [" + r.explainer() + "]");
        System.out.println("  " + r.text());
        System.out.printf("  simulation %s (%s, %d held-out top + %d random windows%s)%n", fmt(s.simulation(), s.intervals().simulation()), s.simulator(),
                s.nHeldOutTop(), s.nRandom(), s.nFailed() > 0 ? ", " + s.nFailed() + " failed" : "");
        printFailures(s.simulationFailures());
        System.out.printf("  detection  %s (%s)%n", fmt(s.detection(), s.intervals().detection()), s.detector());
        printFailures(s.detectionFailures());
        if (s.fuzzing() != null || s.intruder() != null || s.intervals().fuzzing() != null || s.intervals().intruder() != null) {
            System.out.printf("  fuzzing    %s   intruder %s (chance 0.25)%n", fmt(s.fuzzing(), s.intervals().fuzzing()),
                    fmt(s.intruder(), s.intervals().intruder()));
        }
        if (s.embedder() != null) System.out.printf("  embedding  %s (%s)%n", fmt(s.embedding(), s.intervals().embedding()), s.embedder());
        if (s.causal() != null) {
            var c = s.causal();
            boolean decoder = c.intervention().contains("next-token KL");
            String number = decoder ? "%.4g" : "%.5f";  // KL of a small model's ablation can be tiny
            System.out.printf("  causal     %s (%s: %s " + number + " on %d top vs " + number
                            + " on %d random windows, ratio %s)%n",
                    fmt(c.score(), c.ci()),
                    decoder ? c.intervention().substring(0, c.intervention().indexOf(';')) : c.intervention(),
                    decoder ? "next-token KL" : "embedding change", c.topEffect(), c.topTexts(), c.randomEffect(), c.randomTexts(),
                    c.ratio() == null ? "n/a" : String.format("%.2f", c.ratio()));
        }
        if (r.output() != null) printOutput(r.output());
        if (r.usage().calls() > 0) {
            System.out.printf("  LLM: %d calls (%d failed, %d retries), %s%n", r.usage().calls(),
                    r.usage().failedCalls(), r.usage().retries(), r.usage().tokensText());
        }
    }

    /** The output side: the score, what was measured against what, and what the label names (or why not). */
    static void printOutput(lantern.core.OutputSideScore o) {
        if (o.gain() == null) {
            System.out.printf("  output     n/a (%s)%n", o.reason());
            return;
        }
        System.out.printf(java.util.Locale.ROOT, "  output     %.3f (amplified by %.3g on %d random windows: its promoted tokens gain %+.4f in probability, "
                        + "%d random units of the same write norm %+.4f on average, at most %+.4f)%n",
                o.score(), o.amplification(), o.texts(), o.gain(), o.randomUnits(), o.randomGain(), o.randomMax());
        StringBuilder b = new StringBuilder();
        for (var c : o.candidates().stream().limit(5).toList()) {
            b.append(String.format(java.util.Locale.ROOT, "  '%s' %+.4f", c.token(), c.gain()));
        }
        System.out.println("             per token:" + b);
        System.out.println(o.clause() != null ? "             " + o.clause() : "             names none: " + o.reason());
    }

    private static void printFailures(Map<String, Integer> failures) {
        if (failures == null) return;
        failures.forEach((reason, n) -> System.out.printf("    %d failed: %s%n", n, reason));
    }

    private static String fmt(Double d) {
        return d == null ? "n/a" : String.format("%.3f", d);
    }

    /** "0.620 [0.480, 0.740]": the score and its 95% bootstrap interval where there is one. */
    static String fmt(Double d, lantern.core.ExplanationScores.Ci ci) {
        if (d == null && ci != null && ci.reason() != null) return "n/a (" + ci.reason() + ")";
        if (d == null || ci == null || ci.lo() == null || ci.hi() == null) return fmt(d);
        return String.format("%.3f [%.3f, %.3f]", d, ci.lo(), ci.hi());
    }

    /** Closes the MiniLM model (native memory) when the command ends. */
    private record EmbedderHandle(EncoderModel model) implements AutoCloseable {
        SentenceEmbedder embedder() {
            return model;
        }

        @Override
        public void close() {
            if (model != null) model.close();
        }
    }
}
