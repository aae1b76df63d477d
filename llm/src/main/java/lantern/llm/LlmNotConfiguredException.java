package lantern.llm;

import java.util.List;

/** An LLM explainer, simulator or scorer was asked for, but the settings it needs are missing. */
public class LlmNotConfiguredException extends lantern.errors.UnavailableException {
    private final List<String> missingKeys;

    public LlmNotConfiguredException(List<String> missingKeys) {
        super("no LLM is configured: set " + String.join(", ", missingKeys)
                + " (in application.properties, or as environment variables such as LANTERN_LLM_BASE_URL); "
                + "e.g. lantern.llm.provider=openai, lantern.llm.base-url=http://localhost:11434/v1, "
                + "lantern.llm.model=llama3.1, lantern.llm.api-key=none for a local Ollama");
        this.missingKeys = List.copyOf(missingKeys);
    }

    public List<String> missingKeys() {
        return missingKeys;
    }
}
