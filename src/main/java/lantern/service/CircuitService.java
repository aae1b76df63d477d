package lantern.service;

import lantern.core.ExplanationResult;
import lantern.core.ExplanationService;
import lantern.core.ExplanationStore;
import lantern.core.LanternConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import lantern.subject.HookedModel;
import lantern.subject.circuits.Attribution;
import lantern.subject.circuits.AttributionGraph;
import lantern.subject.circuits.CircuitTracer;
import lantern.subject.circuits.GraphIntervention;
import lantern.subject.circuits.GraphStore;
import lantern.subject.circuits.LocalReplacement.ActiveFeature;
import lantern.api.FeatureId;
import lantern.subject.transcoder.TranscoderFeatures;
import lantern.subject.transcoder.TranscoderSet;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Attribution graphs for REST and CLI alike: resolves the model and its transcoder set (loaded once and kept),
 * builds and stores graphs in {@code {data}/graphs} (one at a time: a graph holds a dense adjacency), reads them
 * back as circuit-tracer JSON and runs interventions.
 */
@ApplicationScoped
public class CircuitService {
    @Inject
    ModelRegistry models;

    @Inject
    LanternConfig config;

    private final Map<String, TranscoderSet> sets = new ConcurrentHashMap<>();

    /** The summary a POST answers with. */
    public record Summary(String id, String model, String transcoders, String prompt, List<String> tokens,
                          int activeFeatures, int featureNodes, int prunedNodes, long prunedEdges,
                          double replacementScore, double completenessScore, List<String> targetTokens,
                          float[] targetProbabilities, List<String> topPath, double seconds) {
    }

    public record GraphRequest(String model, String transcoders, String prompt, Integer maxFeatureNodes,
                               Double nodeThreshold, Double edgeThreshold) {
    }

    public Summary build(GraphRequest r, Attribution.Progress progress) throws IOException {
        if (r == null) throw new lantern.errors.InvalidInputException("request body is required");
        if (r.model() == null || r.model().isBlank()) throw new lantern.errors.InvalidInputException("\"model\" is required");
        if (r.transcoders() == null || r.transcoders().isBlank()) {
            throw new lantern.errors.InvalidInputException("\"transcoders\" is required (a set trained with lantern train transcoder)");
        }
        HookedModel m;
        try {
            m = models.hooked(r.model());
        } catch (java.util.NoSuchElementException e) {
            throw new lantern.errors.NotFoundException(e.getMessage());
        }
        return build(m, dataDir(), r, progress);
    }

    /** Builds with a model the caller loaded (the CLI) and stores under {@code dataDir}. */
    public synchronized Summary build(HookedModel m, Path dataDir, GraphRequest r, Attribution.Progress progress)
            throws IOException {
        TranscoderSet set = set(m, dataDir, r.transcoders());
        CircuitTracer.Built b = CircuitTracer.build(m, set, new CircuitTracer.Request(r.prompt(), r.maxFeatureNodes(),
                r.nodeThreshold(), r.edgeThreshold()), new GraphStore(dataDir), progress);
        AttributionGraph g = b.graph();
        return new Summary(b.id(), g.model(), g.transcoders(), g.prompt(), g.tokens(), g.totalActive(), g.nFeatures(),
                b.pruned().keptNodes(), b.pruned().keptEdges(), b.settings().replacementScore(),
                b.settings().completenessScore(), g.logitTokens(), g.logitProbs(), CircuitTracer.topPath(g, b.pruned()),
                b.settings().seconds());
    }

    public List<GraphStore.Summary> list() {
        return new GraphStore(dataDir()).list();
    }

    /** Writes a graph's JSON to a stream; made once the graph is loaded, so a missing graph is a 404 before any byte. */
    @FunctionalInterface
    public interface GraphJsonWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Loads a stored graph (404 / 400 now) and returns what writes its circuit-tracer JSON straight to the response
     * stream: nothing of the JSON is held in memory beyond the generator's buffer.
     */
    public GraphJsonWriter json(String id, boolean pruned) {
        return json(dataDir(), id, pruned);
    }

    public GraphJsonWriter json(Path dataDir, String id, boolean pruned) {
        GraphStore.Stored s = new GraphStore(dataDir).load(id);
        Function<ActiveFeature, String> clerps = clerps(dataDir, s.graph());
        return out -> CircuitTracer.writeJson(s, pruned, clerps, out);
    }

    public void writeJson(String id, boolean pruned, OutputStream out) throws IOException {
        writeJson(dataDir(), id, pruned, out);
    }

    public void writeJson(Path dataDir, String id, boolean pruned, OutputStream out) throws IOException {
        json(dataDir, id, pruned).writeTo(out);
    }

    public GraphIntervention.Result intervene(String id, List<GraphIntervention.Change> changes) {
        GraphStore.Stored s = new GraphStore(dataDir()).load(id);
        HookedModel m;
        try {
            m = models.hooked(s.graph().model());
        } catch (java.util.NoSuchElementException e) {
            throw new lantern.errors.NotFoundException(e.getMessage());
        }
        return intervene(m, dataDir(), id, changes);
    }

    /** With a model the caller loaded (the CLI). */
    public GraphIntervention.Result intervene(HookedModel m, Path dataDir, String id, List<GraphIntervention.Change> changes) {
        GraphStore.Stored s = new GraphStore(dataDir).load(id);
        if (!s.graph().model().equals(m.info().id())) {
            throw new lantern.errors.InvalidInputException("graph " + id + " is of model " + s.graph().model());
        }
        return GraphIntervention.run(CircuitTracer.decoder(m), set(m, dataDir, s.graph().transcoders()), s.graph(), changes);
    }

    /**
     * A feature node's clerp: the newest stored explanation of its feature {@code {model}/{layer}/tc-{set}/{index}}
     * ({@code lantern explain}, {@code POST /api/features/{id}/explain}), preferring one of ours to a user's scored
     * hypothesis; "" when it has none. Each feature is looked up once per graph.
     */
    static Function<ActiveFeature, String> clerps(Path dataDir, AttributionGraph g) {
        ExplanationStore store = new ExplanationStore(dataDir);
        String kind = TranscoderFeatures.kind(g.transcoders());
        Map<Long, String> seen = new java.util.HashMap<>();
        return f -> seen.computeIfAbsent(((long) f.layer() << 32) | f.index(), k -> {
            List<ExplanationResult> history = store.list(new FeatureId(g.model(), f.layer(), kind, f.index()));
            return history.stream().filter(e -> !ExplanationService.USER.equals(e.explainer())).findFirst()
                    .or(() -> history.stream().findFirst()).map(ExplanationResult::text).orElse("");
        });
    }

    private TranscoderSet set(HookedModel m, Path dataDir, String name) {
        String model = m.info().id();
        String key = dataDir.toAbsolutePath() + "|" + model + "|" + name;
        return sets.computeIfAbsent(key, k -> TranscoderSet.load(dataDir, model, name, m.manager()));
    }

    private Path dataDir() {
        return config.dataDir();
    }
}
