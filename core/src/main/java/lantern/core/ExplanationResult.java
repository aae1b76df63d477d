package lantern.core;

import lantern.explainer.explain.Rule;
import lantern.llm.LlmUsage;

/**
 * One stored, scored explanation, exactly as the REST API returns it:
 * {@code {"feature":..., "text":..., "explainer":..., "scores":{...}, "createdAt":..., "usage":{...}, "rule":...,
 * "firesOn":..., "output":{...}}}.
 * {@code rule} is the statistical explainer's machine-readable hypothesis (null for LLM explanations). For decoder
 * features, {@code output} is the measured output side ({@link OutputSideScore}); when it is clear, {@code text}
 * reads both sides ("tokens right after 'ne', such as 'g'; promotes 'ot'") and {@code firesOn} holds the input side
 * alone, the part the window scores judged. Both are null otherwise (and in results stored before they existed).
 */
public record ExplanationResult(String feature, String text, String explainer, ExplanationScores scores, String createdAt,
                                LlmUsage usage, Rule rule, String firesOn, OutputSideScore output) {

    public ExplanationResult(String feature, String text, String explainer, ExplanationScores scores, String createdAt,
                             LlmUsage usage, Rule rule) {
        this(feature, text, explainer, scores, createdAt, usage, rule, null, null);
    }

    /** The same explanation with its output side; a clear one adds its clause to the label. */
    public ExplanationResult withOutput(OutputSideScore output) {
        if (output == null) return this;
        String input = firesOn != null ? firesOn : text;
        boolean named = output.promotes() != null && !output.promotes().isEmpty();
        return new ExplanationResult(feature, named ? lantern.explainer.explain.OutputClause.join(input, output.promotes()) : input,
                explainer, scores, createdAt, usage, rule, input, output);
    }
}
