package lantern.api.audit;

import lantern.api.audit.AuditBudget;
/**
 * What an audit's LLM calls spent so far (successful features; the provider's token counts), its cost when prices
 * are configured (else null), and the budget it runs under.
 */
public record AuditSpend(long inputTokens, long outputTokens, Double cost, AuditBudget budget) {
    public long tokens() {
        return inputTokens + outputTokens;
    }
}
