package lantern.llm;

/**
 * What a piece of work cost at the LLM: calls made (attempts included), calls that failed for good, retries,
 * and the provider-reported token counts.
 *
 * @param callsWithoutUsage answered calls whose reply carried no {@code usage}: their tokens are unknown, so the
 *                          token counts are then a lower bound and {@link #tokensKnown()} is false (never "0")
 */
public record LlmUsage(int calls, int failedCalls, int retries, long inputTokens, long outputTokens, int callsWithoutUsage) {
    public static final LlmUsage NONE = new LlmUsage(0, 0, 0, 0, 0, 0);

    /** Every answered call reported its usage. */
    public LlmUsage(int calls, int failedCalls, int retries, long inputTokens, long outputTokens) {
        this(calls, failedCalls, retries, inputTokens, outputTokens, 0);
    }

    public LlmUsage plus(LlmUsage o) {
        return new LlmUsage(calls + o.calls, failedCalls + o.failedCalls, retries + o.retries,
                inputTokens + o.inputTokens, outputTokens + o.outputTokens, callsWithoutUsage + o.callsWithoutUsage);
    }

    /** False when some answer came without usage: the token counts are then only what the other answers reported. */
    public boolean tokensKnown() {
        return callsWithoutUsage == 0;
    }

    /** "120 input + 7 output tokens", or "unknown tokens (the server reported no usage)" / "at least ..." when partly unknown. */
    public String tokensText() {
        if (tokensKnown()) return inputTokens + " input + " + outputTokens + " output tokens";
        if (inputTokens == 0 && outputTokens == 0) return "unknown tokens (the server reported no usage)";
        return "at least " + inputTokens + " input + " + outputTokens + " output tokens (" + callsWithoutUsage
                + " answers reported no usage)";
    }
}
