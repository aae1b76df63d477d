package lantern.core;

import lantern.llm.LlmProvider;
import lantern.llm.LlmSettings;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.Map;
import java.util.Optional;

/**
 * Maps the {@code lantern.llm.*} settings (LanternConfig.Llm, application.properties or LANTERN_LLM_* environment
 * variables) onto {@link LlmSettings}. Empty when no LLM is configured; a half-configured LLM is an error naming
 * the missing keys.
 */
public final class LlmSettingsFactory {
    private LlmSettingsFactory() {
    }

    public static Optional<LlmSettings> from(LanternConfig.Llm c) {
        Map<String, String> m = toMap(c);
        if (m.isEmpty()) return Optional.empty();
        return LlmSettings.fromConfig(k -> Optional.ofNullable(m.get(k)));
    }

    /**
     * The {@code lantern.llm.*} settings as keys and values (what {@link LlmSettings#fromConfig} reads; what the Spark
     * engine ships to its executors); empty when no LLM is configured.
     */
    public static Map<String, String> toMap(LanternConfig.Llm c) {
        if (c.baseUrl().isEmpty() && c.model().isEmpty()) return Map.of();
        Map<String, String> m = new java.util.HashMap<>();
        m.put("lantern.llm.provider", c.provider());
        c.baseUrl().ifPresent(v -> m.put("lantern.llm.base-url", v));
        c.model().ifPresent(v -> m.put("lantern.llm.model", v));
        c.apiKey().ifPresent(v -> m.put("lantern.llm.api-key", v));
        m.put("lantern.llm.temperature", Double.toString(c.temperature()));
        m.put("lantern.llm.timeout-seconds", Integer.toString(c.timeoutSeconds()));
        m.put("lantern.llm.max-retries", Integer.toString(c.maxRetries()));
        m.put("lantern.llm.max-concurrent", Integer.toString(c.maxConcurrent()));
        // json-schema, top-logprobs, max-tokens and logprob-fallback are not in LanternConfig: read the raw config when present
        for (String k : new String[]{"json-schema", "top-logprobs", "max-tokens", "logprob-fallback"}) {
            fromMicroProfile("lantern.llm." + k).ifPresent(v -> m.put("lantern.llm." + k, v));
        }
        if (!m.containsKey("lantern.llm.json-schema")) {
            m.put("lantern.llm.json-schema", Boolean.toString(LlmProvider.parse(c.provider()) == LlmProvider.OPENAI));
        }
        return m;
    }

    /** Straight from MicroProfile Config (works in and outside Quarkus): application.properties, env, -D. */
    public static Optional<LlmSettings> fromMicroProfile(Map<String, String> overrides) {
        return LlmSettings.fromConfig(k -> Optional.ofNullable(overrides.get(k)).or(() -> fromMicroProfile(k)));
    }

    private static Optional<String> fromMicroProfile(String key) {
        try {
            return ConfigProvider.getConfig().getOptionalValue(key, String.class);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
