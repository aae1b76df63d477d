package lantern.eval.audit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * What auditing one feature produced: its explanation and scores (null when not measured), the feature's max
 * activation over the corpus slice (0 for a dead feature) and the tokens it fires on most.
 *
 * @param causal the causal check's selectivity in [−1, 1] (see {@code CausalScore}); null when the audit did not ask
 *               for it, for dead features, and in log lines written before audits had it
 */
@JsonIgnoreProperties(value = {"dead"}, allowGetters = true)
public record FeatureResult(String explanation, String explainer, Double simulation, Double detection,
                            Double embeddingScore, Double causal, double maxActivation, List<String> topTokens,
                            Long inputTokens, Long outputTokens) {
    /** Without LLM spend (a statistical explainer, or no counts reported). */
    public FeatureResult(String explanation, String explainer, Double simulation, Double detection, Double embeddingScore,
                         Double causal, double maxActivation, List<String> topTokens) {
        this(explanation, explainer, simulation, detection, embeddingScore, causal, maxActivation, topTokens, null, null);
    }

    public FeatureResult {
        if (explanation == null) explanation = "";
        topTokens = topTokens == null ? List.of() : List.copyOf(topTokens);
        if (Double.isNaN(maxActivation)) throw new IllegalArgumentException("maxActivation is NaN");
    }

    /** A dead feature never activates (max activation 0, or below: GELU neurons can be negative everywhere). */
    @JsonProperty("dead")
    public boolean dead() {
        return maxActivation <= 0;
    }
}
