package lantern.llm;

import java.util.List;

/**
 * The text an LLM answered (a reasoning model's thinking already cut off), with per-token log-probabilities of that
 * text when they were asked for and returned, and the model name the server reported (null when it sent none).
 */
public record LlmReply(String text, List<TokenLogprob> logprobs, String model) {
    public LlmReply {
        text = text == null ? "" : text;
        logprobs = logprobs == null ? List.of() : List.copyOf(logprobs);
    }

    public LlmReply(String text, List<TokenLogprob> logprobs) {
        this(text, logprobs, null);
    }
}
