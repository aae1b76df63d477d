package lantern.subject.circuits;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import lantern.subject.circuits.LocalReplacement.ActiveFeature;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * circuit-tracer's graph JSON as its {@code create_graph_files} writes it: {@code metadata} (slug, scan,
 * transcoder_list, prompt_tokens, prompt, node_threshold; ours add {@code lantern}: model, transcoders, scores),
 * {@code qParams}, {@code nodes} and {@code links}. Node ids: features {@code {layer}_{index}_{pos}}, tokens
 * {@code E_{token id}_{pos}}, logits {@code {layers + 1}_{token id}_{pos}}, and error nodes {@code {layer}_-1_{pos}}
 * (upstream's {@code 0_{layer}_{pos}} collides with layer-0 features). A feature's explanation is its {@code clerp}.
 *
 * <p>Pruned: the nodes and edges {@link GraphPruner} keeps, then (as upstream) only nodes on a kept edge, plus every
 * token and logit. Unpruned: every node (no error nodes before the first node position) and every non-zero edge,
 * streamed.
 */
public final class GraphJson {
    public static final String FEATURE = "cross layer transcoder";
    public static final String ERROR = "mlp reconstruction error";
    public static final String EMBEDDING = "embedding";
    public static final String LOGIT = "logit";
    private static final JsonFactory JSON = new JsonFactory();

    private GraphJson() {
    }

    /** Everything the JSON needs beside the graph. */
    public record Meta(String slug, double nodeThreshold, double edgeThreshold, Map<String, Object> extra) {
    }

    public static String nodeId(AttributionGraph g, int node) {
        int nf = g.nFeatures();
        if (node < nf) {
            ActiveFeature f = g.features().get(node);
            return f.layer() + "_" + f.index() + "_" + f.pos();
        }
        if (node < g.tokenStart()) {
            int e = node - nf;
            return (e / g.nPos()) + "_-1_" + (e % g.nPos());
        }
        if (node < g.logitStart()) {
            int p = node - g.tokenStart();
            return "E_" + g.ids()[p] + "_" + p;
        }
        int i = node - g.logitStart();
        return (g.layers() + 1) + "_" + g.logitIds()[i] + "_" + (g.nPos() - 1);
    }

    public static String process(String token) {
        return token.replace("\n", "⏎").replace("\t", "→").replace("\r", "↵");
    }

    /**
     * @param prune  null: the unpruned graph
     * @param clerps a feature's explanation, or "" (never null)
     */
    public static void write(AttributionGraph g, GraphPruner.Result prune, Meta meta,
                             Function<ActiveFeature, String> clerps, OutputStream out) throws IOException {
        int n = g.size();
        boolean[] inGraph = new boolean[n];
        List<int[]> links = new ArrayList<>();
        if (prune != null) {
            boolean[] used = new boolean[n];
            for (int t = 0; t < n; t++) {
                for (int s = prune.edges()[t].nextSetBit(0); s >= 0; s = prune.edges()[t].nextSetBit(s + 1)) {
                    if (prune.nodes()[t] && prune.nodes()[s]) {
                        links.add(new int[]{s, t});
                        used[s] = used[t] = true;
                    }
                }
            }
            for (int i = 0; i < n; i++) inGraph[i] = prune.nodes()[i] && (used[i] || i >= g.tokenStart());
        } else {
            for (int i = 0; i < n; i++) {
                inGraph[i] = !(i >= g.errorStart() && i < g.tokenStart() && (i - g.errorStart()) % g.nPos() < g.firstNodePos());
            }
        }
        try (JsonGenerator j = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            j.writeStartObject();
            writeMeta(j, g, meta);
            j.writeObjectFieldStart("qParams");
            j.writeArrayFieldStart("pinnedIds");
            j.writeEndArray();
            j.writeArrayFieldStart("supernodes");
            j.writeEndArray();
            j.writeStringField("linkType", "both");
            j.writeStringField("clickedId", "");
            j.writeStringField("sg_pos", "");
            j.writeEndObject();
            j.writeArrayFieldStart("nodes");
            for (int i = 0; i < n; i++) if (inGraph[i]) writeNode(j, g, i, prune, clerps);
            j.writeEndArray();
            j.writeArrayFieldStart("links");
            if (prune != null) {
                for (int[] l : links) writeLink(j, g, l[0], l[1]);
            } else {
                for (int t = 0; t < n; t++) {
                    float[] row = g.adjacency()[t];
                    if (row == null) continue;
                    for (int s = 0; s < row.length; s++) if (row[s] != 0 && inGraph[s]) writeLink(j, g, s, t);
                }
            }
            j.writeEndArray();
            j.writeEndObject();
        }
    }

    private static void writeMeta(JsonGenerator j, AttributionGraph g, Meta meta) throws IOException {
        j.writeObjectFieldStart("metadata");
        j.writeStringField("slug", meta.slug());
        j.writeStringField("scan", g.model() + "/" + g.transcoders());
        j.writeArrayFieldStart("transcoder_list");
        for (int l = 0; l < g.layers(); l++) j.writeString(g.model() + "/" + g.transcoders() + "/" + l);
        j.writeEndArray();
        j.writeArrayFieldStart("prompt_tokens");
        for (String t : g.tokens()) j.writeString(process(t));
        j.writeEndArray();
        j.writeStringField("prompt", g.prompt());
        j.writeNumberField("node_threshold", meta.nodeThreshold());
        j.writeObjectFieldStart("lantern");
        j.writeStringField("model", g.model());
        j.writeStringField("transcoders", g.transcoders());
        j.writeNumberField("edge_threshold", meta.edgeThreshold());
        j.writeNumberField("active_features", g.totalActive());
        j.writeNumberField("feature_nodes", g.nFeatures());
        j.writeArrayFieldStart("prompt_ids");
        for (long id : g.ids()) j.writeNumber(id);
        j.writeEndArray();
        if (meta.extra() != null) {
            for (var e : meta.extra().entrySet()) {
                j.writeFieldName(e.getKey());
                writeValue(j, e.getValue());
            }
        }
        j.writeEndObject();
        j.writeEndObject();
    }

    private static void writeValue(JsonGenerator j, Object v) throws IOException {
        if (v == null) j.writeNull();
        else if (v instanceof Number num) j.writeNumber(num.doubleValue());
        else if (v instanceof Boolean b) j.writeBoolean(b);
        else j.writeString(v.toString());
    }

    private static void writeNode(JsonGenerator j, AttributionGraph g, int i, GraphPruner.Result prune,
                                  Function<ActiveFeature, String> clerps) throws IOException {
        String id = nodeId(g, i);
        Float influence = prune == null ? null : prune.cumulative()[i];
        j.writeStartObject();
        j.writeStringField("node_id", id);
        if (i < g.nFeatures()) {
            ActiveFeature f = g.features().get(i);
            fields(j, f.index(), Integer.toString(f.layer()), f.pos(), FEATURE, 0f, false,
                    f.layer() + "_" + f.index() + "-0", clerps.apply(f), influence, f.activation());
        } else if (i < g.tokenStart()) {
            int e = i - g.errorStart();
            int layer = e / g.nPos(), pos = e % g.nPos();
            fields(j, -1, Integer.toString(layer), pos, ERROR, 0f, false, layer + "_-1_" + pos + "-0", "", influence, null);
        } else if (i < g.logitStart()) {
            int p = i - g.tokenStart();
            fields(j, p, "E", p, EMBEDDING, 0f, false, "E_" + g.ids()[p] + "-" + p, "", influence, null);
        } else {
            int k = i - g.logitStart();
            float prob = g.logitProbs()[k];
            String clerp = String.format(Locale.ROOT, "Output \"%s\" (p=%.3f)", process(g.logitTokens().get(k)), prob);
            fields(j, (int) g.logitIds()[k], Integer.toString(g.layers() + 1), g.nPos() - 1, LOGIT, prob, k == 0,
                    "L_" + g.logitIds()[k] + "-" + (g.nPos() - 1), clerp, null, null);
        }
        j.writeEndObject();
    }

    private static void fields(JsonGenerator j, int feature, String layer, int ctx, String type, float prob,
                               boolean target, String jsId, String clerp, Float influence, Float activation)
            throws IOException {
        j.writeNumberField("feature", feature);
        j.writeStringField("layer", layer);
        j.writeNumberField("ctx_idx", ctx);
        j.writeStringField("feature_type", type);
        j.writeNumberField("token_prob", prob);
        j.writeBooleanField("is_target_logit", target);
        j.writeNumberField("run_idx", 0);
        j.writeNumberField("reverse_ctx_idx", 0);
        j.writeStringField("jsNodeId", jsId);
        j.writeStringField("clerp", clerp == null ? "" : clerp);
        if (influence == null) j.writeNullField("influence");
        else j.writeNumberField("influence", influence);
        if (activation == null) j.writeNullField("activation");
        else j.writeNumberField("activation", activation);
    }

    private static void writeLink(JsonGenerator j, AttributionGraph g, int source, int target) throws IOException {
        j.writeStartObject();
        j.writeStringField("source", nodeId(g, source));
        j.writeStringField("target", nodeId(g, target));
        j.writeNumberField("weight", g.adjacency()[target][source]);
        j.writeEndObject();
    }
}
