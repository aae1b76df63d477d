package lantern.core;

import lantern.errors.InvalidInputException;

import lantern.api.causal.CausalScore;
import lantern.eval.score.DetectionScorer;
import lantern.eval.score.Detector;
import lantern.eval.score.EmbeddingScore;
import lantern.eval.score.ScoringEmbedders;
import lantern.eval.score.FuzzingScorer;
import lantern.eval.score.IntruderScorer;
import lantern.eval.score.LlmJudges;
import lantern.eval.score.LlmDetector;
import lantern.eval.score.SimulationScorer;
import lantern.eval.score.StatisticalDetector;
import lantern.api.FeatureId;
import lantern.api.FeatureRecords;
import lantern.explainer.explain.Explainer;
import lantern.explainer.explain.Explanation;
import lantern.explainer.explain.HypothesisParser;
import lantern.explainer.explain.Rule;
import lantern.explainer.explain.LlmExplainer;
import lantern.explainer.explain.RecordSplit;
import lantern.explainer.explain.RecordSplitter;
import lantern.explainer.explain.StatisticalExplainer;
import lantern.llm.LlmClient;
import lantern.llm.LlmNotConfiguredException;
import lantern.llm.LlmSettings;
import lantern.llm.LlmUsage;
import lantern.explainer.simulate.LlmJsonSimulator;
import lantern.explainer.simulate.LlmLogprobSimulator;
import lantern.explainer.simulate.Simulator;
import lantern.explainer.simulate.StatisticalSimulator;
import lantern.subject.SentenceEmbedder;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Explains a feature from its records, scores the explanation on held-out windows and keeps it:
 * split → explain → simulate (correlation) → detect (balanced accuracy) → embed (AUC) → causal check (when asked)
 * → store.
 * One instance per process: its LLM client's concurrency limit is then global. Thread-safe.
 */
public final class ExplanationService {
    public static final List<String> EXPLAINERS = List.of("statistical", "llm", "verbalizer");
    public static final List<String> SIMULATORS = List.of("statistical", "llm-json", "llm-logprob");
    /** The explainer name of explanations a user gave to be scored. */
    public static final String USER = "user";
    /** The most held-out top (and random) windows a call may ask for (as an audit). */
    public static final int MAX_WINDOWS = lantern.api.audit.AuditRequest.MAX_WINDOWS;

    private final ExplanationStore store;
    private final LlmClient llm;
    private final ScoringEmbedders embedders;
    private final RecordSplitter splitter;
    private final Clock clock;
    /** Fuzzing and intruder with LLM judges (about ten more calls a feature); the statistical path always runs them. */
    private volatile boolean llmJudges;
    /** The verbalizer explainer of a feature ({@code --explainer verbalizer}); null where none is wired. */
    private volatile Function<FeatureId, Explainer> verbalizers;
    /** The output side of decoder features (null for encoders); null: not measured. */
    private volatile Function<FeatureRecords, OutputSideScore> outputSide;

    /**
     * @param llm       empty when no LLM is configured (then only the statistical path works)
     * @param embedders the encoders of the embedding AUC, chosen per feature ({@link ScoringEmbedders}: bge-small-zh
     *                  for Chinese, MiniLM for English); null to skip that score
     */
    public ExplanationService(Path dataDir, Optional<LlmSettings> llm, ScoringEmbedders embedders, RecordSplitter splitter, Clock clock) {
        this.store = new ExplanationStore(dataDir);
        this.llm = llm.map(LlmClient::create).orElse(null);
        this.embedders = embedders;
        this.splitter = splitter;
        this.clock = clock;
    }

    /** The service's and Spark executors': the encoders chosen per feature, the default split. */
    public static ExplanationService perFeature(Path dataDir, Optional<LlmSettings> llm, ScoringEmbedders embedders) {
        return new ExplanationService(dataDir, llm, embedders, RecordSplitter.defaults(), Clock.systemUTC());
    }

    /** One embedder for every feature ({@code embedderName} is what the scores record); null to skip that score. */
    public ExplanationService(Path dataDir, Optional<LlmSettings> llm, SentenceEmbedder embedder, String embedderName,
                              RecordSplitter splitter, Clock clock) {
        this(dataDir, llm, embedder == null ? null : ScoringEmbedders.fixed(embedder, embedderName), splitter, clock);
    }

    public ExplanationService(Path dataDir, Optional<LlmSettings> llm, SentenceEmbedder embedder) {
        this(dataDir, llm, embedder, "minilm-l6", RecordSplitter.defaults(), Clock.systemUTC());
    }

    /**
     * @param explainer "statistical", "llm" or "verbalizer" (a self-report of the feature's direction)
     * @param simulator "statistical", "llm-json", "llm-logprob", or null for the explainer's natural partner
     *                  (statistical → statistical, llm → llm-json)
     */
    public ExplanationResult explain(FeatureRecords records, String explainer, String simulator) {
        return explain(records, explainer, simulator, null);
    }

    /**
     * As {@link #explain(FeatureRecords, String, String)}, with the feature's causal check stored beside the scores.
     *
     * @param causal runs the causal check on the records (e.g. {@code CausalService::causal}); null to skip it
     */
    public ExplanationResult explain(FeatureRecords records, String explainer, String simulator,
                                     Function<FeatureRecords, CausalScore> causal) {
        return explain(records, explainer, simulator, causal, null);
    }

    /**
     * As {@link #explain(FeatureRecords, String, String, Function)}, scoring on up to {@code windows} held-out top
     * windows and as many random windows (where the collection holds them: a collection with a larger top-k gives
     * more; the score intervals narrow with more windows); null for the service's default split.
     */
    public ExplanationResult explain(FeatureRecords records, String explainer, String simulator,
                                     Function<FeatureRecords, CausalScore> causal, Integer windows) {
        ExplanationResult result = explainUnstored(records, explainer, simulator, causal, windows);
        keep(records.id(), result);
        return result;
    }

    /**
     * As {@link #explain(FeatureRecords, String, String, Function, Integer)} without keeping the result: what a Spark
     * executor runs; the app's side then keeps it once ({@link #keep}), however often the executors ran it.
     */
    public ExplanationResult explainUnstored(FeatureRecords records, String explainer, String simulator,
                                             Function<FeatureRecords, CausalScore> causal, Integer windows) {
        RecordSplitter splitter = splitter(windows);
        String ex = normalize(explainer, "statistical", EXPLAINERS, "explainer");
        String sim = normalize(simulator, ex.equals("llm") ? "llm-json" : "statistical", SIMULATORS, "simulator");
        if (ex.equals("llm") && sim.equals("statistical")) {
            throw new InvalidInputException("the statistical simulator applies a statistical rule; an llm explanation has none: use llm-json or llm-logprob");
        }
        RecordSplit split = splitter.split(records);
        // the output side is measured first (it does not depend on the label): the LLM explainer is shown what the
        // feature promotes; the window scores judge what it fires on; the label then reads both sides
        Function<FeatureRecords, OutputSideScore> out = outputSide;
        OutputSideScore output = out == null ? null : out.apply(records);
        Explanation explanation = (ex.equals("verbalizer") ? requireVerbalizers().apply(records.id())
                : explainerFor(ex, output)).explain(split);
        ExplanationResult result = score(records, split, explanation, sim, causal);
        return output == null ? result : result.withOutput(output);
    }

    /** What the LLM explainer is shown of a decoder feature's output side; null when it has none. */
    static LlmExplainer.Promoted promoted(OutputSideScore output) {
        if (output == null || output.candidates() == null || output.candidates().isEmpty()) return null;
        return new LlmExplainer.Promoted(output.candidates().stream().map(OutputSideScore.Candidate::token).toList(),
                output.promotes() != null && !output.promotes().isEmpty());
    }

    /** Adds a scored explanation to the feature's stored history (newest first). */
    public void keep(FeatureId id, ExplanationResult result) {
        store.append(id, result);
    }

    /**
     * Scores an explanation someone wrote (a hypothesis to test) with the same scorers and stores it beside the
     * feature's own explanations, marked {@value #USER}. The statistical simulator and detector need a rule: they
     * read one from the text where it has a shape they know ({@link HypothesisParser}); other text needs an LLM
     * simulator (the embedding score needs none).
     *
     * @param simulator "statistical" (default), "llm-json" or "llm-logprob"
     */
    public ExplanationResult score(FeatureRecords records, String text, String simulator) {
        return score(records, text, simulator, null);
    }

    /** As {@link #score(FeatureRecords, String, String)} on up to {@code windows} held-out top and random windows (null: default). */
    public ExplanationResult score(FeatureRecords records, String text, String simulator, Integer windows) {
        RecordSplitter splitter = splitter(windows);
        if (text == null || text.isBlank()) throw new InvalidInputException("the explanation to score is empty");
        if (text.length() > 2000) throw new InvalidInputException("the explanation to score is longer than 2000 characters");
        String sim = normalize(simulator, "statistical", SIMULATORS, "simulator");
        Rule rule = HypothesisParser.parse(text).orElse(null);
        if (sim.equals("statistical") && rule == null) {
            throw new InvalidInputException("the statistical simulator reads token lists ('the tokens 'a', 'b''), tag classes ('plural nouns', "
                    + "'Brown tag NNS') and contexts ('tokens right after 'of''); this explanation is none of those: score it with --simulator llm-json");
        }
        Explanation explanation = new Explanation(text.strip(), USER, sim.equals("statistical") ? rule : null, Double.NaN, LlmUsage.NONE);
        ExplanationResult result = score(records, splitter.split(records), explanation, sim, null);
        keep(records.id(), result);
        return result;
    }

    /** The split for a call: the service's own, or one with {@code windows} held-out top and random windows. */
    private RecordSplitter splitter(Integer windows) {
        if (windows == null) return splitter;
        if (windows < 1 || windows > MAX_WINDOWS) {
            throw new InvalidInputException("windows must lie in [1, " + MAX_WINDOWS + "]: " + windows);
        }
        return RecordSplitter.scoring(windows);
    }

    /**
     * Whether an LLM-scored explanation also gets the fuzzing and intruder scores from LLM judges (off by default:
     * they add about ten calls a feature; {@code lantern.llm.fuzzing-intruder=true}, {@code --llm-judges}).
     */
    public ExplanationService llmJudges(boolean on) {
        this.llmJudges = on;
        return this;
    }

    /**
     * Wires {@code --explainer verbalizer}: the explainer that verbalizes a feature's output direction with a
     * verbalizer trained here ({@code lantern.explainer.selfreport.VerbalizerExplainers#forFeature}).
     */
    public ExplanationService verbalizers(Function<FeatureId, Explainer> forFeature) {
        this.verbalizers = forFeature;
        return this;
    }

    private Function<FeatureId, Explainer> requireVerbalizers() {
        Function<FeatureId, Explainer> v = verbalizers;
        if (v == null) throw new InvalidInputException("the verbalizer explainer is not available here");
        return v;
    }

    /**
     * Measures the output side of every feature this service explains ({@link OutputSideScore}; the function answers
     * null for features without one, such as an encoder's): a clear one adds "promotes 'x'" to the label.
     */
    public ExplanationService outputSide(Function<FeatureRecords, OutputSideScore> outputSide) {
        this.outputSide = outputSide;
        return this;
    }

    private ExplanationResult score(FeatureRecords records, RecordSplit split, Explanation explanation, String sim,
                                            Function<FeatureRecords, CausalScore> causal) {
        Simulator simulatorImpl = simulatorFor(sim);
        boolean offline = sim.equals("statistical");
        Detector detector = offline ? new StatisticalDetector() : new LlmDetector(requireLlm());
        boolean judges = offline || llmJudges;
        FuzzingScorer.Judge fuzzJudge = !judges ? null : offline ? new FuzzingScorer.Statistical() : new LlmJudges.Fuzzing(requireLlm());
        IntruderScorer.Judge intruderJudge = !judges ? null : offline ? new IntruderScorer.Statistical() : new LlmJudges.Intruder(requireLlm());
        // the scorers are independent: run them side by side so their LLM calls share the pipe
        SimulationScorer.Result simulation;
        DetectionScorer.Result detection;
        FuzzingScorer.Result fuzzing = null;
        IntruderScorer.Result intruder = null;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<DetectionScorer.Result> det = pool.submit(() -> new DetectionScorer().score(explanation, split, detector));
            Future<FuzzingScorer.Result> fuzz = !judges ? null : pool.submit(() -> new FuzzingScorer().score(explanation, split, fuzzJudge));
            Future<IntruderScorer.Result> intr = !judges ? null : pool.submit(() -> new IntruderScorer().score(explanation, split, intruderJudge));
            simulation = new SimulationScorer().score(explanation, split, simulatorImpl);
            detection = join(det);
            if (judges) {
                fuzzing = join(fuzz);
                intruder = join(intr);
            }
        }
        EmbeddingScore embedding = embedders == null ? null : embedders.score(records.id(), explanation, split);
        ExplanationScores.Causal causalScore = causal == null ? null : ExplanationScores.Causal.of(causal.apply(records));

        LlmUsage usage = explanation.usage().plus(simulation.usage()).plus(detection.usage())
                .plus(fuzzing == null ? LlmUsage.NONE : fuzzing.usage()).plus(intruder == null ? LlmUsage.NONE : intruder.usage());
        var s = simulation.score();
        ExplanationScores scores = new ExplanationScores(ExplanationScores.finite(s.correlation()), s.simulator(),
                ExplanationScores.finite(detection.score().balancedAccuracy()), detection.score().detector(),
                embedding == null ? null : ExplanationScores.finite(embedding.auc()), embedding == null ? null : embedding.embedder(),
                causalScore, s.nHeldOutTop(), s.nRandom(), s.nFailed(), s.failures(), detection.score().failures(),
                new ExplanationScores.Intervals(ExplanationScores.Ci.of(s.ci95()), ExplanationScores.Ci.of(detection.score().ci95()),
                        embedding == null ? null : ExplanationScores.Ci.of(embedding.ci95()), fuzzing == null ? null : ExplanationScores.Ci.of(fuzzing.score().ci95(), fuzzing.score().reason()),
                        intruder == null ? null : ExplanationScores.Ci.of(intruder.score().ci95(), intruder.score().reason())),
                fuzzing == null ? null : ExplanationScores.finite(fuzzing.score().balancedAccuracy()),
                intruder == null ? null : ExplanationScores.finite(intruder.score().accuracy()));
        return new ExplanationResult(records.id().toString(), explanation.text(), explanation.explainer(),
                scores, Instant.now(clock).toString(), usage, explanation.rule());
    }

    /**
     * Checks the names a job will use before it starts, so a misspelt simulator or a missing LLM fails the submission
     * instead of every feature later: unknown names are 400s, an LLM that is asked for but not configured a 503.
     */
    public void checkUsable(String explainer, String simulator) {
        String ex = normalize(explainer, "statistical", EXPLAINERS, "explainer");
        String sim = normalize(simulator, ex.equals("llm") ? "llm-json" : "statistical", SIMULATORS, "simulator");
        if (ex.equals("llm") && sim.equals("statistical")) {
            throw new InvalidInputException("the statistical simulator applies a statistical rule; an llm explanation has none: use llm-json or llm-logprob");
        }
        if (ex.equals("verbalizer")) requireVerbalizers();
        if (ex.equals("llm") || !sim.equals("statistical")) requireLlm();
    }

    private static <T> T join(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Every stored explanation of the feature, newest first. */
    public List<ExplanationResult> history(FeatureId id) {
        return store.list(id);
    }

    public Optional<ExplanationResult> latest(FeatureId id) {
        return store.list(id).stream().findFirst();
    }

    /** What the configured LLM server turned out to accept so far; empty without an LLM. */
    public Optional<lantern.llm.ServerCapabilities> llmCapabilities() {
        return Optional.ofNullable(llm).map(LlmClient::capabilities);
    }

    /** Probes the configured LLM server once: what it accepts and which simulators will work ({@code GET /api/llm}). */
    public lantern.llm.LlmProbe.Report checkLlm() {
        return lantern.llm.LlmProbe.probe(requireLlm().settings());
    }

    private Explainer explainerFor(String name, OutputSideScore output) {
        return name.equals("llm") ? new LlmExplainer(requireLlm()).promoting(promoted(output))
                : lantern.explainer.explain.CorpusLanguage.statisticalExplainer();
    }

    private Simulator simulatorFor(String name) {
        return switch (name) {
            case "llm-json" -> new LlmJsonSimulator(requireLlm());
            case "llm-logprob" -> new LlmLogprobSimulator(requireLlm());
            default -> new StatisticalSimulator();
        };
    }

    private LlmClient requireLlm() {
        if (llm == null) {
            throw new LlmNotConfiguredException(List.of(LlmSettings.PREFIX + "base-url", LlmSettings.PREFIX + "model",
                    LlmSettings.PREFIX + "api-key", LlmSettings.PREFIX + "provider"));
        }
        return llm;
    }

    private static String normalize(String value, String dflt, List<String> allowed, String what) {
        if (value == null || value.isBlank()) return dflt;
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) throw new InvalidInputException("unknown " + what + " '" + value + "': use one of " + allowed);
        return v;
    }
}
