package lantern.llm;

import java.util.Locale;

/** The LangChain4j client family to talk to. */
public enum LlmProvider {
    /** OpenAI's chat-completions API and everything that speaks it: Ollama /v1, vLLM, llama.cpp, LM Studio, OpenRouter */
    OPENAI,
    /** Anthropic's messages API */
    ANTHROPIC;

    public static LlmProvider parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("lantern.llm.provider must be 'openai' or 'anthropic': " + s);
        }
    }
}
