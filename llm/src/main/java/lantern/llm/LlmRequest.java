package lantern.llm;

import dev.langchain4j.model.chat.request.json.JsonSchema;

/**
 * One chat call: a system and a user message, optionally a JSON schema the answer must follow (sent as the
 * response format where the provider takes it) and whether to ask for per-token log-probabilities.
 */
public record LlmRequest(String system, String user, JsonSchema schema, boolean logprobs) {
    public LlmRequest {
        if (user == null || user.isBlank()) throw new IllegalArgumentException("empty prompt");
    }
}
