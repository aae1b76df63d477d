package lantern.subject.circuits;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.sae.SaeArchitecture;
import lantern.subject.transcoder.TranscoderSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The stored graph, its circuit-tracer JSON (against a JSON schema of upstream's pydantic models) and interventions. */
class GraphJsonTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;

    @Test
    void storedGraphRoundTripsAndItsJsonMatchesTheSchema() throws Exception {
        try (DecoderModel model = CircuitFixtures.gpt2(tmp); NDManager m = model.manager().newSubManager()) {
            TranscoderSet set = CircuitFixtures.transcoders(model, List.of(0, 1, 2), 40, SaeArchitecture.TOPK, 5, 7, m);
            GraphStore store = new GraphStore(tmp.resolve("data"));
            CircuitTracer.Built b = CircuitTracer.build(model, set,
                    new CircuitTracer.Request("the cat sat on the mat", null, null, null), store, null);
            GraphStore.Stored s = store.load(b.id());
            assertThat(s.graph().adjacency()).isDeepEqualTo(b.graph().adjacency());
            assertThat(s.graph().features()).isEqualTo(b.graph().features());
            assertThat(store.list()).extracting(GraphStore.Summary::id).containsExactly(b.id());
            assertThat(b.settings().replacementScore()).isBetween(0.0, 1.0);
            assertThat(b.settings().completenessScore()).isBetween(0.0, 1.0);

            JsonSchema schema;
            try (InputStream in = getClass().getResourceAsStream("/circuits/graph.schema.json")) {
                schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
            }
            for (boolean pruned : new boolean[]{true, false}) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                CircuitTracer.writeJson(s, pruned, f -> "feature " + f.index(), out);
                JsonNode json = JSON.readTree(out.toByteArray());
                assertThat(schema.validate(json)).as("schema, pruned=%s", pruned).isEmpty();
                Set<String> ids = new HashSet<>();
                for (JsonNode n : json.get("nodes")) assertThat(ids.add(n.get("node_id").asText())).as("unique ids").isTrue();
                for (JsonNode l : json.get("links")) {
                    assertThat(ids).contains(l.get("source").asText(), l.get("target").asText());
                }
                // every token and logit node is there; error nodes are {layer}_-1_{pos}, none at BOS
                for (int p = 0; p < b.graph().nPos(); p++) assertThat(ids).contains("E_" + b.graph().ids()[p] + "_" + p);
                assertThat(ids).contains("4_" + b.graph().logitIds()[0] + "_" + (b.graph().nPos() - 1));
                for (JsonNode n : json.get("nodes")) {
                    String type = n.get("feature_type").asText();
                    if (type.equals(GraphJson.ERROR)) {
                        assertThat(n.get("node_id").asText()).matches("\\d+_-1_[1-9]\\d*");
                    }
                    if (type.equals(GraphJson.FEATURE)) assertThat(n.get("clerp").asText()).startsWith("feature ");
                }
                JsonNode first = json.get("nodes").get(0);
                assertThat(json.get("metadata").get("prompt_tokens")).hasSize(b.graph().nPos());
                if (!pruned) {
                    long nonZero = 0;
                    for (float[] row : b.graph().adjacency()) if (row != null) for (float v : row) if (v != 0) nonZero++;
                    assertThat((long) json.get("links").size()).isEqualTo(nonZero);
                    assertThat(first.get("influence").isNull()).isTrue();
                } else {
                    assertThat(json.get("links").size()).isEqualTo((int) b.pruned().keptEdges());
                }
            }
            assertThatThrownBy(() -> store.load("nope")).isInstanceOf(lantern.errors.NotFoundException.class);
        }
    }

    static float[] lastLogits(DecoderModel model, long[] ids, lantern.subject.Hooks hooks, NDManager m) {
        var out = model.run(m, new long[][]{ids}, new int[]{ids.length}, hooks).output();
        return model.logits(out.get(new ai.djl.ndarray.index.NDIndex("0, {}", ids.length - 1))).toFloatArray();
    }

    @Test
    void interventionScalesAFeatureInTheRealModelAndReportsTheGraphsPrediction() throws Exception {
        try (DecoderModel model = CircuitFixtures.llama(tmp); NDManager m = model.manager().newSubManager()) {
            TranscoderSet set = CircuitFixtures.transcoders(model, List.of(0, 1, 2), 48, SaeArchitecture.TOPK, 6, 9, m);
            CircuitTracer.Built b = CircuitTracer.build(model, set,
                    new CircuitTracer.Request("the cat sat on the mat", null, null, null), null, null);
            AttributionGraph g = b.graph();
            int node = g.nFeatures() - 1; // last layer, last position: only the final norm lies between it and the logits
            assertThat(g.features().get(node).layer()).isEqualTo(2);
            String id = GraphJson.nodeId(g, node);
            var none = GraphIntervention.run(model, set, g, List.of(new GraphIntervention.Change(id, 1.0)));
            for (var l : none.logits()) assertThat(l.actualDelta()).isCloseTo(0.0, org.assertj.core.data.Offset.offset(1e-4));
            double eps = 0.5;
            var half = GraphIntervention.run(model, set, g, List.of(new GraphIntervention.Change(id, 1 + eps)));
            // the same change by hand: the MLP output at that layer and position plus eps × activation × decoder row
            var f = g.features().get(node);
            float[] row = set.layer(2).decoderRow(f.index());
            float[] before, after;
            try (NDManager r = model.manager().newSubManager()) {
                before = lastLogits(model, g.ids(), lantern.subject.Hooks.none(), r);
                after = lastLogits(model, g.ids(), lantern.subject.Hooks.none().replace(lantern.subject.HookNames.mlpOut(2), a -> {
                    float[] add = new float[(int) a.getShape().size()];
                    int d = row.length;
                    for (int i = 0; i < d; i++) add[f.pos() * d + i] = (float) (eps * f.activation() * row[i]);
                    return a.add(a.getManager().create(add, a.getShape()));
                }), r);
            }
            double mb = 0, ma = 0;
            for (int v = 0; v < before.length; v++) {
                mb += before[v] / before.length;
                ma += after[v] / after.length;
            }
            for (int k = 0; k < half.logits().size(); k++) {
                var l = half.logits().get(k);
                int tok = (int) l.tokenId();
                assertThat(l.before()).isCloseTo(before[tok], org.assertj.core.data.Offset.offset(1e-4));
                assertThat(l.after()).isCloseTo(after[tok], org.assertj.core.data.Offset.offset(1e-4));
                assertThat(l.actualDelta()).isCloseTo((after[tok] - ma) - (before[tok] - mb), org.assertj.core.data.Offset.offset(1e-4));
                assertThat(l.predictedDirect()).isCloseTo(eps * g.adjacency()[g.logitStart() + k][node],
                        org.assertj.core.data.Offset.offset(1e-6));
                assertThat(l.predictedTotal()).isCloseTo(l.predictedDirect(), org.assertj.core.data.Offset.offset(1e-9));
            }
            assertThat(half.logits().stream().mapToDouble(l -> Math.abs(l.actualDelta())).max().orElse(0)).isGreaterThan(1e-3);
            assertThatThrownBy(() -> GraphIntervention.run(model, set, g, List.of(new GraphIntervention.Change("9_9_9", 0))))
                    .isInstanceOf(lantern.errors.InvalidInputException.class);
        }
    }
}
