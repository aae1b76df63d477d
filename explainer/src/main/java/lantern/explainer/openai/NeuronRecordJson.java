package lantern.explainer.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import lantern.api.ActivationRecord;
import lantern.api.FeatureId;
import lantern.api.FeatureRecords;
import lantern.api.FeatureStats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * OpenAI neuron-explainer activation JSON ({@code neuron_explainer/activations/activations.py}):
 * a {@code NeuronRecord} ({@code neuron_id {layer_index, neuron_index}, most_positive_activation_records,
 * random_sample, random_sample_by_quantile, quantile_boundaries, mean, variance, ...}, every object tagged with
 * {@code dataclass_name} as their FastDataclass writes it), or a bare {@code {"activation_records": [...]}}
 * list, read as top windows. Records are {@code {"tokens": [...], "activations": [...]}}.
 */
public final class NeuronRecordJson {
    private static final ObjectMapper M = new ObjectMapper();

    private NeuronRecordJson() {
    }

    /**
     * @param model the model name for the feature id (their files do not say); layer and index come from
     *              {@code neuron_id} when present, else from {@code fallback}
     */
    public static FeatureRecords read(String json, String model, FeatureId fallback) {
        JsonNode root;
        try {
            root = M.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException("expected a JSON object (a NeuronRecord)");
        FeatureId id = fallback;
        JsonNode nid = root.get("neuron_id");
        if (nid != null && nid.isObject()) {
            id = FeatureId.mlp(model, requireInt(nid, "layer_index"), requireInt(nid, "neuron_index"));
        }
        if (id == null) throw new IllegalArgumentException("no neuron_id in the file: pass a feature id");
        List<ActivationRecord> top;
        if (root.has("most_positive_activation_records")) {
            top = records(root.get("most_positive_activation_records"), "most_positive_activation_records");
        } else if (root.has("activation_records")) {
            top = new ArrayList<>(records(root.get("activation_records"), "activation_records"));
            top.sort(Comparator.comparingDouble(r -> -r.max()));
        } else {
            throw new IllegalArgumentException("expected most_positive_activation_records or activation_records");
        }
        List<ActivationRecord> random = root.has("random_sample") ? records(root.get("random_sample"), "random_sample") : List.of();
        List<List<ActivationRecord>> bins = new ArrayList<>();
        JsonNode q = root.get("random_sample_by_quantile");
        if (q != null && q.isArray()) for (int i = 0; i < q.size(); i++) bins.add(records(q.get(i), "random_sample_by_quantile[" + i + "]"));
        double[] levels = new double[0];
        float[] boundaries = new float[0];
        JsonNode qb = root.get("quantile_boundaries");
        if (qb != null && qb.isArray()) {
            boundaries = new float[qb.size()];
            levels = new double[qb.size()];
            for (int i = 0; i < qb.size(); i++) {
                boundaries[i] = (float) qb.get(i).asDouble();
                levels[i] = (i + 1.0) / (qb.size() + 1.0); // their files do not store the levels; assume evenly spaced
            }
        }
        float max = 0;
        for (ActivationRecord r : top) max = Math.max(max, r.max());
        float mean = root.hasNonNull("mean") && root.get("mean").isNumber() ? (float) root.get("mean").asDouble() : Float.NaN;
        FeatureStats stats = new FeatureStats(max, mean, Float.NaN, levels, boundaries, 0);
        return new FeatureRecords(id, stats, top, random, bins);
    }

    public static String write(FeatureRecords fr) {
        ObjectNode root = M.createObjectNode();
        root.put("dataclass_name", "NeuronRecord");
        root.putObject("neuron_id").put("dataclass_name", "NeuronId").put("layer_index", fr.id().layer()).put("neuron_index", fr.id().index());
        write(root.putArray("random_sample"), fr.random());
        ArrayNode bins = root.putArray("random_sample_by_quantile");
        for (List<ActivationRecord> bin : fr.quantileBins()) write(bins.addArray(), bin);
        ArrayNode qb = root.putArray("quantile_boundaries");
        if (fr.stats() != null && fr.stats().quantiles() != null) for (float f : fr.stats().quantiles()) qb.add(f);
        if (fr.stats() != null && !Float.isNaN(fr.stats().mean())) root.put("mean", fr.stats().mean());
        else root.putNull("mean");
        root.putNull("variance").putNull("skewness").putNull("kurtosis");
        write(root.putArray("most_positive_activation_records"), fr.top());
        return root.toString();
    }

    private static void write(ArrayNode arr, List<ActivationRecord> records) {
        for (ActivationRecord r : records) {
            ObjectNode o = arr.addObject().put("dataclass_name", "ActivationRecord");
            ArrayNode t = o.putArray("tokens");
            r.tokens().forEach(t::add);
            ArrayNode a = o.putArray("activations");
            for (float f : r.activations()) a.add(f);
        }
    }

    static List<ActivationRecord> records(JsonNode arr, String where) {
        if (arr == null || !arr.isArray()) throw new IllegalArgumentException(where + " must be a list of activation records");
        List<ActivationRecord> out = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            JsonNode r = arr.get(i);
            JsonNode tokens = r.get("tokens"), acts = r.get("activations");
            if (tokens == null || !tokens.isArray() || acts == null || !acts.isArray()) {
                throw new IllegalArgumentException(where + "[" + i + "] needs 'tokens' and 'activations' lists");
            }
            if (tokens.size() != acts.size()) {
                throw new IllegalArgumentException(where + "[" + i + "]: " + tokens.size() + " tokens but " + acts.size() + " activations");
            }
            List<String> ts = new ArrayList<>();
            float[] as = new float[acts.size()];
            for (int k = 0; k < tokens.size(); k++) {
                if (!tokens.get(k).isTextual()) throw new IllegalArgumentException(where + "[" + i + "].tokens[" + k + "] is not a string");
                if (!acts.get(k).isNumber()) throw new IllegalArgumentException(where + "[" + i + "].activations[" + k + "] is not a number");
                ts.add(tokens.get(k).textValue());
                as[k] = (float) acts.get(k).asDouble();
            }
            out.add(new ActivationRecord(ts, as));
        }
        return out;
    }

    private static int requireInt(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber()) throw new IllegalArgumentException("neuron_id." + field + " must be an integer");
        return v.intValue();
    }
}
