package lantern.llm;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;

/**
 * Builds the LangChain4j client for the settings. Retries are off in the client (maxRetries 0) because
 * LangChain4j 1.19 ignores {@code Retry-After}; {@link LlmClient} retries instead.
 */
public final class ChatModelFactory {
    private ChatModelFactory() {
    }

    public static ChatModel create(LlmSettings s) {
        return switch (s.provider()) {
            case OPENAI -> OpenAiChatModel.builder()
                    .httpClientBuilder(HeaderAwareHttpClient.builder())
                    .baseUrl(s.baseUrl()).apiKey(s.apiKey()).modelName(s.model())
                    .temperature(s.temperature()).timeout(s.timeout()).maxRetries(0)
                    .strictJsonSchema(true)
                    .returnThinking(true)   // reasoning_content is kept apart, so a reasoning model is recognised
                    .build();
            case ANTHROPIC -> AnthropicChatModel.builder()
                    .httpClientBuilder(HeaderAwareHttpClient.builder())
                    .baseUrl(s.baseUrl()).apiKey(s.apiKey()).modelName(s.model())
                    .temperature(s.temperature()).timeout(s.timeout()).maxRetries(0)
                    .maxTokens(s.maxTokens() == null ? 4096 : s.maxTokens())
                    .build();
        };
    }
}
