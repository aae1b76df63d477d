package lantern.eval.audit;

/** Prices per 1,000 input and output tokens (any currency), for budgets in money. */
public record LlmPrices(double inputPer1k, double outputPer1k) {
    public LlmPrices {
        if (!(inputPer1k >= 0) || !(outputPer1k >= 0)) throw new IllegalArgumentException("prices must be >= 0");
    }

    public double cost(long inputTokens, long outputTokens) {
        return inputTokens / 1000.0 * inputPer1k + outputTokens / 1000.0 * outputPer1k;
    }
}
