package lantern.subject.circuits;

import ai.djl.ndarray.NDManager;
import lantern.subject.HookedModel;
import lantern.subject.circuits.LocalReplacement.ActiveFeature;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.transcoder.TranscoderSet;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The attribution-graph use case: tokenize a prompt after the model's BOS, build the local replacement model,
 * attribute, prune, store; read a stored graph back as circuit-tracer JSON; intervene on its nodes.
 */
public final class CircuitTracer {
    /** Prompts up to this many tokens get every active feature as a node unless maxFeatureNodes says fewer. */
    public static final int MAX_FULL_TOKENS = 64;

    private CircuitTracer() {
    }

    /** A graph request; nulls take circuit-tracer's defaults (all features, 0.8, 0.98). */
    public record Request(String prompt, Integer maxFeatureNodes, Double nodeThreshold, Double edgeThreshold) {
        public double nodes() {
            return nodeThreshold == null ? 0.8 : nodeThreshold;
        }

        public double edges() {
            return edgeThreshold == null ? 0.98 : edgeThreshold;
        }
    }

    public record Built(String id, AttributionGraph graph, GraphPruner.Result pruned, GraphStore.Settings settings) {
    }

    public static DecoderModel decoder(HookedModel model) {
        return model.languageModel().orElseThrow(() -> new lantern.errors.InvalidInputException("attribution graphs need a decoder with an LM head; "
                + model.info().id() + " is an encoder"));
    }

    public static long[] promptIds(DecoderModel model, String prompt) {
        if (prompt == null || prompt.isEmpty()) throw new lantern.errors.InvalidInputException("\"prompt\" is required");
        long[] prefix = model.frame().prefix();
        long[] body = model.tokenizer().encode(prompt, false).ids();
        long[] ids = java.util.Arrays.copyOf(prefix, prefix.length + body.length);
        System.arraycopy(body, 0, ids, prefix.length, body.length);
        if (ids.length == 0) throw new lantern.errors.InvalidInputException("the prompt has no tokens");
        if (ids.length > model.config().contextLength()) {
            throw new lantern.errors.InvalidInputException("prompt of " + ids.length + " tokens exceeds the context length "
                    + model.config().contextLength());
        }
        return ids;
    }

    public static Built build(HookedModel hooked, TranscoderSet set, Request r, GraphStore store,
                              Attribution.Progress progress) throws IOException {
        DecoderModel model = decoder(hooked);
        if (r.maxFeatureNodes() != null && r.maxFeatureNodes() < 0) {
            throw new lantern.errors.InvalidInputException("maxFeatureNodes must be >= 0");
        }
        double nodeT = r.nodes(), edgeT = r.edges();
        if (!(nodeT >= 0 && nodeT <= 1) || !(edgeT >= 0 && edgeT <= 1)) {
            throw new lantern.errors.InvalidInputException("nodeThreshold and edgeThreshold must be between 0 and 1");
        }
        long[] ids = promptIds(model, r.prompt());
        int max = r.maxFeatureNodes() == null ? 0 : r.maxFeatureNodes();
        if (ids.length > MAX_FULL_TOKENS && max == 0) {
            throw new lantern.errors.InvalidInputException("prompt of " + ids.length + " tokens: above " + MAX_FULL_TOKENS
                    + " tokens give maxFeatureNodes (e.g. 4096)");
        }
        long start = System.nanoTime();
        AttributionGraph g;
        try (NDManager m = model.manager().newSubManager()) {
            LocalReplacement lr = LocalReplacement.build(model, set, ids, m);
            g = new Attribution(lr, m).run(r.prompt(), max, progress);
        }
        GraphPruner.Result p = prune(g, nodeT, edgeT);
        double seconds = (System.nanoTime() - start) / 1e9;
        GraphStore.Settings s = new GraphStore.Settings(max, nodeT, edgeT, p.replacementScore(), p.completenessScore(),
                p.keptNodes(), p.keptEdges(), seconds, Instant.now().toString());
        String id = GraphStore.newId();
        if (store != null) store.save(id, g, s);
        return new Built(id, g, p, s);
    }

    public static GraphPruner.Result prune(AttributionGraph g, double nodeThreshold, double edgeThreshold) {
        return GraphPruner.prune(g.adjacency(), g.nFeatures(), g.tokenStart(), g.nPos(), g.logitProbs(),
                nodeThreshold, edgeThreshold);
    }

    /** Writes a stored graph as circuit-tracer JSON, pruned with its own thresholds or every node and edge. */
    public static void writeJson(GraphStore.Stored s, boolean pruned, Function<ActiveFeature, String> clerps,
                                 OutputStream out) throws IOException {
        GraphStore.Settings st = s.settings();
        GraphPruner.Result p = prune(s.graph(), st.nodeThreshold(), st.edgeThreshold());
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("pruned", pruned);
        extra.put("replacement_score", p.replacementScore());
        extra.put("completeness_score", p.completenessScore());
        extra.put("seconds", st.seconds());
        extra.put("created", st.created());
        extra.put("feature_kind", lantern.subject.transcoder.TranscoderFeatures.kind(s.graph().transcoders()));
        GraphJson.write(s.graph(), pruned ? p : null, new GraphJson.Meta(s.id(), st.nodeThreshold(), st.edgeThreshold(),
                extra), clerps, out);
    }

    /** The top paths into the top logit: greedily follows the strongest kept incoming edge from the logit. */
    public static List<String> topPath(AttributionGraph g, GraphPruner.Result p) {
        List<String> path = new java.util.ArrayList<>();
        int node = g.logitStart();
        path.add(GraphJson.nodeId(g, node));
        while (node >= 0 && g.adjacency()[node] != null) {
            int best = -1;
            float bestW = 0;
            for (int s = p.edges()[node].nextSetBit(0); s >= 0; s = p.edges()[node].nextSetBit(s + 1)) {
                float w = g.adjacency()[node][s];
                if (w > bestW) {
                    bestW = w;
                    best = s;
                }
            }
            if (best < 0) break;
            path.add(0, GraphJson.nodeId(g, best));
            node = best;
        }
        return path;
    }
}
