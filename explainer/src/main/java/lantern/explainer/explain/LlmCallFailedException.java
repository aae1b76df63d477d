package lantern.explainer.explain;

import lantern.llm.LlmUsage;

/** An LLM call failed after its retries; carries what the attempts cost. */
public class LlmCallFailedException extends RuntimeException {
    private final LlmUsage usage;

    public LlmCallFailedException(String message, LlmUsage usage) {
        super(message);
        this.usage = usage;
    }

    public LlmUsage usage() {
        return usage;
    }
}
