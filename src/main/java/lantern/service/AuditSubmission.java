package lantern.service;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.JsonNode;
import lantern.api.audit.AuditBudget;
import lantern.api.audit.AuditRequest;
import lantern.api.audit.FeatureSelection;

import java.util.List;

/**
 * The body of {@code POST /api/audits}, bound strictly by {@link StrictJson}. {@code layers} may be one integer;
 * {@code features} is "all", "sample:N[:seed]", "0-99", a list of ids or indices (see {@link FeatureSelection});
 * {@code windows} (optional) the held-out top and random windows to score on, as {@link AuditRequest#windows()}.
 */
public record AuditSubmission(String model, @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Integer> layers,
                              String kind, JsonNode features, String explainer, String simulator, Integer concurrency,
                              List<String> watchedConcepts, Boolean causal, Budget budget, Boolean dryRun, Integer windows) {
    /** {@code {"maxTokens": N, "maxCost": X}}; either may be left out. */
    public record Budget(Long maxTokens, Double maxCost) {
        AuditBudget toBudget() {
            return new AuditBudget(maxTokens, maxCost);
        }
    }

    public boolean isDryRun() {
        return dryRun != null && dryRun;
    }

    public AuditRequest toRequest() {
        if (layers != null && layers.contains(null)) throw new lantern.errors.InvalidInputException("layers must be integers");
        if (watchedConcepts != null && watchedConcepts.contains(null)) throw new lantern.errors.InvalidInputException("watchedConcepts must be strings");
        return new AuditRequest(model, layers, kind, FeatureSelection.parse(features), explainer, simulator,
                concurrency == null ? 1 : concurrency, watchedConcepts, causal != null && causal,
                budget == null ? AuditBudget.NONE : budget.toBudget(), windows);
    }
}
