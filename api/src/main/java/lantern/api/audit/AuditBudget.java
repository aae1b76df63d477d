package lantern.api.audit;

import lantern.errors.InvalidInputException;

/**
 * A cap on what an audit's LLM calls may spend: tokens (input + output, as the provider reports them) and, when
 * prices are configured, money. Null means no cap. An audit that reaches a cap stops with state
 * {@code budget-exhausted} and resumes with a higher one, losing nothing.
 */
public record AuditBudget(Long maxTokens, Double maxCost) {
    public static final AuditBudget NONE = new AuditBudget(null, null);

    public AuditBudget {
        if (maxTokens != null && maxTokens < 0) throw new InvalidInputException("budget.maxTokens must be >= 0: " + maxTokens);
        if (maxCost != null && !(maxCost >= 0 && maxCost < 1e12)) throw new InvalidInputException("budget.maxCost must be a number >= 0: " + maxCost);
    }

    public boolean limited() {
        return maxTokens != null || maxCost != null;
    }
}
