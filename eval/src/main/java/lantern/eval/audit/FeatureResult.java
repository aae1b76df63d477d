package lantern.eval.audit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import lantern.llm.LlmUsage;

import java.util.List;

/**
 * What auditing one feature produced: its explanation and scores (null when not measured), the feature's max
 * activation over the corpus slice (0 for a dead feature) and the tokens it fires on most.
 *
 * @param causal the causal check's selectivity in [−1, 1] (see {@code CausalScore}); null when the audit did not ask
 *               for it, for dead features, and in log lines written before audits had it
 * @param simulator the simulator that actually produced {@code simulation} (e.g. llm-json when llm-logprob fell
 *                  back); null when nothing was simulated, and in log lines written before audits had it
 * @param usage     what the feature cost at the LLM (calls, tokens; see {@link #tokens()}); null when no LLM was called
 * @param fuzzing   the fuzzing score (balanced accuracy), null when not run and in log lines written before audits had it
 * @param intruder  the intruder score (accuracy; chance 1 / group size), the same way
 * @param intervals the 95% intervals of the scores above ({@link ScoreIntervals#NONE} in log lines written before
 *                  audits had them)
 * @param output    a decoder feature's output side beside its label (what it promotes and how clearly); null for
 *                  encoder features, dead ones, and in log lines written before audits kept it
 */
@JsonIgnoreProperties(value = {"dead", "tokens"}, allowGetters = true)
public record FeatureResult(String explanation, String explainer, Double simulation, Double detection,
                            Double embeddingScore, Double causal, double maxActivation, List<String> topTokens,
                            String simulator, LlmUsage usage, Long inputTokens, Long outputTokens, Double fuzzing,
                            Double intruder, ScoreIntervals intervals, Output output) {

    /**
     * The output side of a decoder feature, kept beside its label in the audit's log and reports.
     *
     * @param score    (gain − best random gain) / (|gain| + |best random gain|) in [−1, 1]; null when not scored
     * @param gain     the next-token probability its promoted tokens gain together when it is amplified
     * @param promotes the tokens its output direction raises most through the unembedding, strongest first
     * @param named    those the label names ("; promotes 'x'"); empty when the output side is not clear
     * @param reason   why the label names none (or why it was not scored); null when it names some
     */
    public record Output(Double score, Double gain, List<String> promotes, List<String> named, String reason) {
        public Output {
            promotes = promotes == null ? List.of() : List.copyOf(promotes);
            named = named == null ? List.of() : List.copyOf(named);
        }
    }

    public FeatureResult(String explanation, String explainer, Double simulation, Double detection,
                         Double embeddingScore, Double causal, double maxActivation, List<String> topTokens,
                         String simulator, LlmUsage usage, Long inputTokens, Long outputTokens, Double fuzzing,
                         Double intruder, ScoreIntervals intervals) {
        this(explanation, explainer, simulation, detection, embeddingScore, causal, maxActivation, topTokens, simulator,
                usage, inputTokens, outputTokens, fuzzing, intruder, intervals, null);
    }

    public FeatureResult(String explanation, String explainer, Double simulation, Double detection,
                         Double embeddingScore, Double causal, double maxActivation, List<String> topTokens,
                         String simulator, LlmUsage usage, Long inputTokens, Long outputTokens) {
        this(explanation, explainer, simulation, detection, embeddingScore, causal, maxActivation, topTokens, simulator,
                usage, inputTokens, outputTokens, null, null, null);
    }

    /** Without LLM spend (a statistical explainer, or no counts reported). */
    public FeatureResult(String explanation, String explainer, Double simulation, Double detection,
                         Double embeddingScore, Double causal, double maxActivation, List<String> topTokens) {
        this(explanation, explainer, simulation, detection, embeddingScore, causal, maxActivation, topTokens, null, null, null, null);
    }

    /** With the simulator actually used and the LLM usage; the token counts (for budgets) come from the usage. */
    public FeatureResult(String explanation, String explainer, Double simulation, Double detection,
                         Double embeddingScore, Double causal, double maxActivation, List<String> topTokens,
                         String simulator, LlmUsage usage) {
        this(explanation, explainer, simulation, detection, embeddingScore, causal, maxActivation, topTokens, simulator,
                usage, usage == null ? null : usage.inputTokens(), usage == null ? null : usage.outputTokens());
    }

    /** With the provider's token counts only (budgets). */
    public FeatureResult(String explanation, String explainer, Double simulation, Double detection,
                         Double embeddingScore, Double causal, double maxActivation, List<String> topTokens,
                         Long inputTokens, Long outputTokens) {
        this(explanation, explainer, simulation, detection, embeddingScore, causal, maxActivation, topTokens, null,
                null, inputTokens, outputTokens);
    }

    /** LLM tokens spent (input + output) as a number, "unknown" when the server did not report them all, null without LLM calls. */
    @JsonProperty("tokens")
    public Object tokens() {
        if (usage == null || usage.calls() == 0) return null;
        return usage.tokensKnown() ? (Object) (usage.inputTokens() + usage.outputTokens()) : "unknown";
    }

    public FeatureResult {
        if (explanation == null) explanation = "";
        topTokens = topTokens == null ? List.of() : List.copyOf(topTokens);
        if (Double.isNaN(maxActivation)) throw new IllegalArgumentException("maxActivation is NaN");
        if (intervals == null) intervals = ScoreIntervals.NONE;
    }

    /** The same result with the scores' 95% intervals. */
    public FeatureResult withIntervals(ScoreIntervals intervals) {
        return new FeatureResult(explanation, explainer, simulation, detection, embeddingScore, causal, maxActivation,
                topTokens, simulator, usage, inputTokens, outputTokens, fuzzing, intruder, intervals, output);
    }

    /** The same result with its output side (null: none). */
    public FeatureResult withOutput(Output output) {
        return new FeatureResult(explanation, explainer, simulation, detection, embeddingScore, causal, maxActivation,
                topTokens, simulator, usage, inputTokens, outputTokens, fuzzing, intruder, intervals, output);
    }

    /** The same result with the fuzzing and intruder scores (null when not run). */
    public FeatureResult withJudges(Double fuzzing, Double intruder) {
        return new FeatureResult(explanation, explainer, simulation, detection, embeddingScore, causal, maxActivation,
                topTokens, simulator, usage, inputTokens, outputTokens, fuzzing, intruder, intervals, output);
    }

    /** A dead feature never activates (max activation 0, or below: GELU neurons can be negative everywhere). */
    @JsonProperty("dead")
    public boolean dead() {
        return maxActivation <= 0;
    }
}
