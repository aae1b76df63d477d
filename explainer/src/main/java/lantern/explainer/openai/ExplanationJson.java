package lantern.explainer.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import lantern.api.FeatureId;

import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI neuron-explainer explanation JSON ({@code NeuronSimulationResults}): {@code neuron_id} and
 * {@code scored_explanations: [{explanation, scored_simulation: {ev_correlation_score, ...}}]}.
 */
public final class ExplanationJson {
    private static final ObjectMapper M = new ObjectMapper();

    /** One explanation and its simulation score (NaN when unscored). */
    public record Scored(String explanation, double evCorrelationScore) {
    }

    private ExplanationJson() {
    }

    public static String write(FeatureId id, List<Scored> explanations) {
        ObjectNode root = M.createObjectNode().put("dataclass_name", "NeuronSimulationResults");
        root.putObject("neuron_id").put("dataclass_name", "NeuronId").put("layer_index", id.layer()).put("neuron_index", id.index());
        var arr = root.putArray("scored_explanations");
        for (Scored s : explanations) {
            ObjectNode e = arr.addObject().put("dataclass_name", "ScoredExplanation").put("explanation", s.explanation());
            ObjectNode sim = e.putObject("scored_simulation").put("dataclass_name", "ScoredSimulation");
            sim.putArray("scored_sequence_simulations");
            if (Double.isNaN(s.evCorrelationScore())) sim.putNull("ev_correlation_score");
            else sim.put("ev_correlation_score", s.evCorrelationScore());
            sim.putNull("rsquared_score").putNull("absolute_dev_explained_score");
        }
        return root.toString();
    }

    public static List<Scored> read(String json) {
        JsonNode root;
        try {
            root = M.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        JsonNode arr = root == null ? null : root.get("scored_explanations");
        if (arr == null || !arr.isArray()) throw new IllegalArgumentException("expected scored_explanations");
        List<Scored> out = new ArrayList<>();
        for (JsonNode e : arr) {
            JsonNode text = e.get("explanation");
            if (text == null || !text.isTextual()) throw new IllegalArgumentException("scored_explanations[].explanation must be a string");
            JsonNode score = e.at("/scored_simulation/ev_correlation_score");
            out.add(new Scored(text.textValue(), score.isNumber() ? score.asDouble() : Double.NaN));
        }
        return out;
    }
}
