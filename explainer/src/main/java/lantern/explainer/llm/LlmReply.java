package lantern.explainer.llm;

import java.util.List;

/** The text an LLM answered, with per-token log-probabilities when they were asked for and returned. */
public record LlmReply(String text, List<TokenLogprob> logprobs) {
    public LlmReply {
        text = text == null ? "" : text;
        logprobs = logprobs == null ? List.of() : List.copyOf(logprobs);
    }
}
