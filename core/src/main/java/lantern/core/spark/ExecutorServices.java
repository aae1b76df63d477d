package lantern.core.spark;

import lantern.api.FeatureRecords;
import lantern.llm.LlmSettings;
import lantern.core.CausalCheck;
import lantern.core.ExplainFeature;
import lantern.core.ExplanationResult;
import lantern.core.ExplanationService;
import lantern.core.LoadedModels;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * What a Spark executor JVM explains and scores features with, made once per JVM (no CDI): its own models (MiniLM
 * for the embedding score and the causal check, registered decoders), one {@link ExplanationService} (so its LLM
 * client's {@code max-concurrent} caps the calls of the whole executor) and a cap on the features it works on at
 * once ({@code lantern.spark.executor-concurrency}). Nothing here writes to the data folder: the app keeps results.
 */
public final class ExecutorServices {
    private static final Map<String, ExecutorServices> BY_SETUP = new ConcurrentHashMap<>();
    /** One set of models per data folder, whatever the other settings. */
    private static final Map<Path, LoadedModels> MODELS = new ConcurrentHashMap<>();

    private final LoadedModels models;
    private final ExplanationService explanations;
    private final CausalCheck causal;
    /** The explain use case's local engine: what the app's {@link ExplainFeature} runs when the engine is local. */
    private final ExplainFeature.Engine engine;
    private final Semaphore slots;
    private final java.util.concurrent.atomic.AtomicInteger busy = new java.util.concurrent.atomic.AtomicInteger(),
            mostAtOnce = new java.util.concurrent.atomic.AtomicInteger();

    private ExecutorServices(Path dataDir, Map<String, String> settings) {
        this.models = MODELS.computeIfAbsent(dataDir.toAbsolutePath(), LoadedModels::new);
        Optional<LlmSettings> llm = LlmSettings.fromConfig(k -> Optional.ofNullable(settings.get(k)));
        this.explanations = ExplanationService.perFeature(dataDir, llm, models.scoringEmbedders())
                .llmJudges(Boolean.parseBoolean(settings.getOrDefault("lantern.llm.fuzzing-intruder", "false")))
                .outputSide(new lantern.core.OutputSideCheck(models, dataDir)::of);
        this.causal = new CausalCheck(models, dataDir);
        this.engine = ExplainFeature.local(explanations, causal::causal);
        this.slots = new Semaphore(Math.max(1, Integer.parseInt(settings.getOrDefault("lantern.spark.executor-concurrency", "2"))), true);
    }

    /** This JVM's services for a data folder and settings (the same ones every time they are the same). */
    public static ExecutorServices of(Path dataDir, Map<String, String> settings) {
        String key = dataDir.toAbsolutePath() + "\n" + new java.util.TreeMap<>(settings);
        return BY_SETUP.computeIfAbsent(key, k -> new ExecutorServices(dataDir, settings));
    }

    /** Explains and scores one feature (with its causal check when asked); keeps nothing. Waits for a free slot. */
    public ExplanationResult explain(FeatureRecords records, String explainer, String simulator, boolean withCausal,
                                     Integer windows) throws InterruptedException {
        slots.acquire();
        mostAtOnce.accumulateAndGet(busy.incrementAndGet(), Math::max);
        try {
            return engine.explainUnstored(records, new ExplainFeature.Options(explainer, simulator, withCausal, windows));
        } finally {
            busy.decrementAndGet();
            slots.release();
        }
    }

    /** The most features this JVM worked on at once with this setup (what the cap bounds). */
    public int mostAtOnce() {
        return mostAtOnce.get();
    }
}
