package lantern.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.api.graphs.GraphRequest;
import lantern.api.graphs.GraphSummary;
import lantern.api.graphs.NodeIntervention;
import lantern.api.FeatureId;
import lantern.errors.InvalidInputException;
import lantern.errors.NotFoundException;
import lantern.subject.HookedModel;
import lantern.subject.SubjectModel;
import lantern.subject.circuits.Attribution;
import lantern.subject.circuits.AttributionGraph;
import lantern.subject.circuits.CircuitTracer;
import lantern.subject.circuits.GraphIntervention;
import lantern.subject.circuits.GraphStore;
import lantern.subject.circuits.LocalReplacement.ActiveFeature;
import lantern.subject.transcoder.TranscoderFeatures;
import lantern.subject.transcoder.TranscoderSet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * Attribution graphs for REST and CLI alike ({@code POST /api/graphs...}, {@code lantern attribute}): resolves the
 * model and its transcoder set, builds and stores graphs in {@code {data}/graphs} (one at a time: a graph holds a
 * dense adjacency), reads them back as circuit-tracer JSON and runs interventions. A transcoder set is loaded once per
 * model object (the service's held models keep theirs; a command's model takes its sets along when it closes).
 */
public final class AttributionGraphs {
    private final ModelSource models;
    private final Path dataDir;
    private final Map<SubjectModel, Map<String, TranscoderSet>> sets = new WeakHashMap<>();

    public AttributionGraphs(ModelSource models, Path dataDir) {
        this.models = models;
        this.dataDir = dataDir;
    }

    /** Builds, prunes and stores the graph of one prompt. */
    public synchronized GraphSummary build(GraphRequest r, Attribution.Progress progress) throws IOException {
        if (r == null) throw new InvalidInputException("request body is required");
        if (r.model() == null || r.model().isBlank()) throw new InvalidInputException("\"model\" is required");
        if (r.transcoders() == null || r.transcoders().isBlank()) {
            throw new InvalidInputException("\"transcoders\" is required (a set trained with lantern train transcoder)");
        }
        try {
            return withHooked(r.model(), m -> build(m, r, progress));
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private GraphSummary build(HookedModel m, GraphRequest r, Attribution.Progress progress) {
        TranscoderSet set = set(m, r.transcoders());
        CircuitTracer.Built b;
        try {
            b = CircuitTracer.build(m, set, new CircuitTracer.Request(r.prompt(), r.maxFeatureNodes(),
                    r.nodeThreshold(), r.edgeThreshold()), new GraphStore(dataDir), progress);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        AttributionGraph g = b.graph();
        return new GraphSummary(b.id(), g.model(), g.transcoders(), g.prompt(), g.tokens(), g.totalActive(),
                g.nFeatures(), b.pruned().keptNodes(), b.pruned().keptEdges(), b.settings().replacementScore(),
                b.settings().completenessScore(), g.logitTokens(), g.logitProbs(),
                CircuitTracer.topPath(g, b.pruned()), b.settings().seconds());
    }

    public List<GraphStore.Summary> list() {
        return new GraphStore(dataDir).list();
    }

    /** Writes a graph's JSON to a stream; made once the graph is loaded, so a missing graph is a 404 before any byte. */
    @FunctionalInterface
    public interface GraphJsonWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Loads a stored graph (404 / 400 now) and returns what writes its circuit-tracer JSON straight to the stream:
     * nothing of the JSON is held in memory beyond the generator's buffer.
     */
    public GraphJsonWriter json(String id, boolean pruned) {
        GraphStore.Stored s = new GraphStore(dataDir).load(id);
        Function<ActiveFeature, String> clerps = clerps(dataDir, s.graph());
        return out -> CircuitTracer.writeJson(s, pruned, clerps, out);
    }

    public void writeJson(String id, boolean pruned, OutputStream out) throws IOException {
        json(id, pruned).writeTo(out);
    }

    /** Runs the graph's model with the changes and compares each logit's actual change with the graph's prediction. */
    public GraphIntervention.Result intervene(String id, List<GraphIntervention.Change> changes) {
        GraphStore.Stored s = new GraphStore(dataDir).load(id);
        return withHooked(s.graph().model(), m -> intervene(m, s, changes));
    }

    /**
     * Zeroes, one at a time, the {@code n} feature nodes with the largest direct edge into the top logit, and gives
     * per node the predicted (direct, along paths) and actual change of that logit. {@code model}: what to load
     * (a command's model option: a registered name, a folder); the graph must be of that model.
     */
    public List<NodeIntervention> interveneTop(String model, String id, int n) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        writeJson(id, false, buffer);
        JsonNode json = new ObjectMapper().readTree(buffer.toByteArray());
        String logitId = null;
        Map<String, String> clerps = new HashMap<>();
        for (var node : json.get("nodes")) {
            if (node.get("is_target_logit").asBoolean()) logitId = node.get("node_id").asText();
            clerps.put(node.get("node_id").asText(), node.path("clerp").asText(""));
        }
        var lantern = json.get("metadata").get("lantern");
        String featurePrefix = lantern.get("model").asText() + "/";
        String kind = lantern.get("feature_kind").asText();
        List<double[]> ranked = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (var l : json.get("links")) {
            if (!l.get("target").asText().equals(logitId)) continue;
            String src = l.get("source").asText();
            if (src.startsWith("E_") || src.contains("_-1_")) continue;
            ids.add(src);
            ranked.add(new double[]{Math.abs(l.get("weight").asDouble()), ids.size() - 1});
        }
        ranked.sort((a, b) -> Double.compare(b[0], a[0]));
        GraphStore.Stored s = new GraphStore(dataDir).load(id);
        return withHooked(model, m -> {
            List<NodeIntervention> out = new ArrayList<>();
            for (int i = 0; i < Math.min(n, ranked.size()); i++) {
                String node = ids.get((int) ranked.get(i)[1]);
                var top = intervene(m, s, List.of(new GraphIntervention.Change(node, 0))).logits().get(0);
                String[] p = node.split("_");  // {layer}_{index}_{pos}
                out.add(new NodeIntervention(node, featurePrefix + p[0] + "/" + kind + "/" + p[1],
                        clerps.getOrDefault(node, ""), top.predictedDirect(), top.predictedTotal(), top.actualDelta()));
            }
            return out;
        });
    }

    private GraphIntervention.Result intervene(HookedModel m, GraphStore.Stored s, List<GraphIntervention.Change> changes) {
        if (!s.graph().model().equals(m.info().id())) {
            throw new InvalidInputException("graph " + s.id() + " is of model " + s.graph().model());
        }
        return GraphIntervention.run(CircuitTracer.decoder(m), set(m, s.graph().transcoders()), s.graph(), changes);
    }

    /**
     * A feature node's clerp: the newest stored explanation of its feature {@code {model}/{layer}/tc-{set}/{index}}
     * ({@code lantern explain}, {@code POST /api/features/{id}/explain}), preferring one of ours to a user's scored
     * hypothesis; "" when it has none. Each feature is looked up once per graph.
     */
    static Function<ActiveFeature, String> clerps(Path dataDir, AttributionGraph g) {
        ExplanationStore store = new ExplanationStore(dataDir);
        String kind = TranscoderFeatures.kind(g.transcoders());
        Map<Long, String> seen = new HashMap<>();
        return f -> seen.computeIfAbsent(((long) f.layer() << 32) | f.index(), k -> {
            List<ExplanationResult> history = store.list(new FeatureId(g.model(), f.layer(), kind, f.index()));
            return history.stream().filter(e -> !ExplanationService.USER.equals(e.explainer())).findFirst()
                    .or(() -> history.stream().findFirst()).map(ExplanationResult::text).orElse("");
        });
    }

    private <T> T withHooked(String id, Function<HookedModel, T> use) {
        try {
            return models.withModel(id, m -> {
                if (!(m instanceof HookedModel h)) {
                    throw new InvalidInputException("model '" + id + "' cannot be run through hooks");
                }
                return use.apply(h);
            });
        } catch (NoSuchElementException e) {
            if (e instanceof NotFoundException) throw e;
            throw new NotFoundException(e.getMessage());
        }
    }

    private TranscoderSet set(HookedModel m, String name) {
        synchronized (sets) {
            return sets.computeIfAbsent(m, k -> new HashMap<>())
                    .computeIfAbsent(name, n -> TranscoderSet.load(dataDir, m.info().id(), n, m.manager()));
        }
    }
}
