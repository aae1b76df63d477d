package lantern.explainer.llm;

/**
 * What a piece of work cost at the LLM: calls made (attempts included), calls that failed for good, retries,
 * and the provider-reported token counts.
 */
public record LlmUsage(int calls, int failedCalls, int retries, long inputTokens, long outputTokens) {
    public static final LlmUsage NONE = new LlmUsage(0, 0, 0, 0, 0);

    public LlmUsage plus(LlmUsage o) {
        return new LlmUsage(calls + o.calls, failedCalls + o.failedCalls, retries + o.retries,
                inputTokens + o.inputTokens, outputTokens + o.outputTokens);
    }
}
