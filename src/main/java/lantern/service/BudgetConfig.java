package lantern.service;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/**
 * LLM budgets ({@code lantern.budget.*}): prices per 1,000 tokens (any currency) make budgets in money possible and
 * show costs; the daily caps hold across every audit of the service (UTC days).
 */
@ConfigMapping(prefix = "lantern.budget")
public interface BudgetConfig {
    Optional<Double> pricePer1kInputTokens();

    Optional<Double> pricePer1kOutputTokens();

    /** Tokens all audits together may spend in one UTC day; audits stop as budget-exhausted beyond. */
    Optional<Long> dailyMaxTokens();

    /** Money all audits together may spend in one UTC day (needs the prices). */
    Optional<Double> dailyMaxCost();
}
