package lantern.service.cli;

import picocli.CommandLine;

import java.util.HashMap;
import java.util.Map;

/** The LLM server options every command that talks to one shares; each overrides its {@code lantern.llm.*} setting. */
public class LlmOptions {
    @CommandLine.Option(names = "--provider", description = "Overrides lantern.llm.provider (openai or anthropic).")
    String provider;
    @CommandLine.Option(names = "--base-url", description = "Overrides lantern.llm.base-url, e.g. http://localhost:11434/v1.")
    String baseUrl;
    @CommandLine.Option(names = "--model", description = "Overrides lantern.llm.model.")
    String model;
    @CommandLine.Option(names = "--api-key", description = "Overrides lantern.llm.api-key (better: LANTERN_LLM_API_KEY).")
    String apiKey;

    /** The settings given on the command line, by their configuration names. */
    Map<String, String> overrides() {
        Map<String, String> overrides = new HashMap<>();
        if (provider != null) overrides.put("lantern.llm.provider", provider);
        if (baseUrl != null) overrides.put("lantern.llm.base-url", baseUrl);
        if (model != null) overrides.put("lantern.llm.model", model);
        if (apiKey != null) overrides.put("lantern.llm.api-key", apiKey);
        return overrides;
    }
}
