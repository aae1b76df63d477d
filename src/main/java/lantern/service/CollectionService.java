package lantern.service;

import lantern.core.LanternConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import lantern.collect.HookedActivationSource;
import lantern.collect.CheckpointPolicy;
import lantern.collect.CollectOptions;
import lantern.collect.CollectionRun;
import lantern.api.Manifest;
import lantern.collect.Progress;
import lantern.corpus.Corpora;
import lantern.subject.HookedModel;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.function.Consumer;

/**
 * Runs collections inside the service (audits collect what they need); one at a time. Collections write checkpoints
 * ({@code lantern.collect.checkpoint-seconds}), so one cut short by a restart of the service resumes when it is asked
 * for again (an audit resumed after the restart asks for it).
 */
@ApplicationScoped
public class CollectionService {
    private static final Logger LOG = Logger.getLogger(CollectionService.class);

    @Inject
    LanternConfig config;
    @Inject
    ModelRegistry models;
    @Inject
    FeatureRecordsService records;
    @Inject
    lantern.service.spark.SparkEngine engine;


    /** Collects the given layers (all when null or empty) over the model's corpus ({@link #defaultCorpus}) unless a collection already holds them. */
    public synchronized void ensureLayers(String modelId, List<Integer> layers, long maxTokens) {
        HookedModel model = models.hooked(modelId);
        int[] wanted = layers == null || layers.isEmpty()
                ? java.util.stream.IntStream.range(0, model.info().layers()).toArray()
                : layers.stream().mapToInt(Integer::intValue).toArray();
        boolean missing = false;
        for (int l : wanted) {
            final int layer = l;
            boolean held = records.collections().stream()
                    .anyMatch((Manifest m) -> m.model().equals(modelId) && m.layers().contains(layer));
            missing |= !held;
        }
        if (!missing) return;
        if (engine.enabled()) {  // lantern.engine=spark: the same collection use case, on the cluster
            String corpus = defaultCorpus(modelId);
            CollectOptions d = CollectOptions.defaults();
            var request = new lantern.core.CollectFeatures.Request(modelId, corpus, corpus + "-" + layersName(wanted),
                    java.util.Arrays.stream(wanted).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(",")),
                    null, null, maxTokens, d.topK(), d.seed(), d.batchSize(), 64, 0, false);
            new lantern.core.CollectFeatures(config.dataDir(), new lantern.service.spark.SparkCollections.Engine(engine))
                    .collect(request, p -> { }, LOG::info);
            return;
        }
        run(model, wanted, maxTokens, p -> LOG.debugf("%s %,d/%,d tokens", p.phase(), p.tokensDone(), p.tokensTotal()));
    }

    /**
     * Collects an SAE's or a transcoder's features ({@code sae-...}, {@code tc-NAME}) over Brown (collection named
     * after the kind) unless a collection made with the current weights holds them; a stale one (retrained since) is
     * replaced.
     */
    public synchronized void ensureSae(String modelId, int layer, String kind, long maxTokens) {
        boolean held = records.collections().stream().anyMatch((Manifest m) -> m.model().equals(modelId)
                && m.kind().equals(kind) && m.layers().contains(layer) && records.isCurrent(m, layer));
        if (held) return;
        HookedModel model = models.hooked(modelId);
        var source = new lantern.eval.sae.SaeActivationSource(model, models.dictionaries().source(modelId, layer, kind));
        var corpus = Corpora.open(defaultCorpus(modelId), config.dataDir());
        collection(corpus, kind + "-l" + layer, CollectOptions.defaults().withLayers(layer), maxTokens, model)
                .run(model, source, config.dataDir(), p -> { }, LOG::info);
    }

    public CollectionRun.Outcome run(HookedModel model, int[] layers, long maxTokens, Consumer<Progress> progress) {
        return run(model, defaultCorpus(model.info().id()), layers, maxTokens, progress);
    }

    /** Collects {@code layers} of {@code model} over a corpus by name ("brown", "chinese-poetry") or path. */
    public CollectionRun.Outcome run(HookedModel model, String corpusName, int[] layers, long maxTokens, Consumer<Progress> progress) {
        var corpus = Corpora.open(corpusName, config.dataDir());
        String name = corpus.name() + "-" + layersName(layers);
        CollectOptions opt = CollectOptions.defaults().withLayers(layers);
        return collection(corpus, name, opt, maxTokens, model)
                .run(model, new HookedActivationSource(model), config.dataDir(), progress, LOG::info);
    }

    /** Sequences of 64 tokens, or of the model's whole context when it is shorter. */
    private CollectionRun collection(lantern.corpus.Corpus corpus, String name, CollectOptions opt, long maxTokens,
                                     HookedModel model) {
        return new CollectionRun(corpus, name, opt, maxTokens, Math.min(64, model.info().contextLength()))
                .withCheckpoints(CheckpointPolicy.everySeconds(config.collect().checkpointSeconds()));
    }

    /** The corpus a model is collected over unless one is named: chinese-poetry for a Chinese encoder, else Brown. */
    public static String defaultCorpus(String modelId) {
        boolean chinese = lantern.subject.bert.EmbeddedEncoder.byId(modelId).map(e -> e.language().equals("zh")).orElse(false);
        return chinese ? lantern.corpus.ChinesePoetryCorpus.NAME : "brown";
    }

    private static String layersName(int[] layers) {
        StringBuilder sb = new StringBuilder("l");
        for (int i = 0; i < layers.length; i++) sb.append(i == 0 ? "" : "_").append(layers[i]);
        return sb.toString();
    }
}
