package lantern.core;

import lantern.explainer.explain.Rule;
import lantern.explainer.llm.LlmUsage;

/**
 * One stored, scored explanation, exactly as the REST API returns it:
 * {@code {"feature":..., "text":..., "explainer":..., "scores":{...}, "createdAt":..., "usage":{...}, "rule":...}}.
 * {@code rule} is the statistical explainer's machine-readable hypothesis (null for LLM explanations).
 */
public record ExplanationResult(String feature, String text, String explainer, ExplanationScores scores, String createdAt,
                                LlmUsage usage, Rule rule) {
}
