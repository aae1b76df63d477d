package lantern.llm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * How to reach the explainer / simulator LLM. The service maps {@code lantern.llm.*} from application.properties
 * onto it ({@link #fromConfig}); every field but the endpoint has a default.
 *
 * @param provider           openai (any OpenAI-compatible server) or anthropic
 * @param baseUrl            e.g. https://api.openai.com/v1, http://localhost:11434/v1 (Ollama), https://api.anthropic.com/v1
 * @param apiKey             may be blank for local OpenAI-compatible servers
 * @param model              the model name the server knows
 * @param temperature        sampling temperature (explanations: OpenAI used 1.0 for candidates; 0 is reproducible)
 * @param timeout            per HTTP call
 * @param maxRetries         retries after the first attempt for 429 / 5xx / timeouts / malformed answers
 * @param maxConcurrentCalls calls in flight at once across the whole process
 * @param jsonSchema         send a JSON-schema response format (OpenAI-compatible servers); otherwise the prompt asks
 *                           for JSON / a fixed answer prefix and the answer is parsed just as strictly
 * @param topLogprobs        how many alternatives the llm-logprob simulator asks for per position (max 20 at OpenAI;
 *                           a server that answers "max allowed: N" is asked again with N)
 * @param maxTokens          the answer's token limit ({@code max_tokens}); null leaves the server's default. Reasoning
 *                           models spend it on thinking first: raise it when answers come back empty
 * @param logprobFallback    when the server returns no log-probs, the llm-logprob simulator falls back to llm-json
 *                           (and the score names llm-json) instead of failing
 */
public record LlmSettings(LlmProvider provider, String baseUrl, String apiKey, String model, double temperature,
                          Duration timeout, int maxRetries, int maxConcurrentCalls, boolean jsonSchema, int topLogprobs,
                          Integer maxTokens, boolean logprobFallback) {
    public static final String PREFIX = "lantern.llm.";

    public LlmSettings {
        if (provider == null) throw new IllegalArgumentException("lantern.llm.provider is missing");
        if (baseUrl == null || baseUrl.isBlank()) throw new IllegalArgumentException("lantern.llm.base-url is missing");
        if (model == null || model.isBlank()) throw new IllegalArgumentException("lantern.llm.model is missing");
        if (provider == LlmProvider.ANTHROPIC && (apiKey == null || apiKey.isBlank())) {
            throw new IllegalArgumentException("lantern.llm.api-key is required for provider anthropic");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("lantern.llm.timeout must be positive");
        if (maxRetries < 0) throw new IllegalArgumentException("lantern.llm.max-retries must be >= 0");
        if (maxConcurrentCalls < 1) throw new IllegalArgumentException("lantern.llm.max-concurrent must be >= 1");
        if (topLogprobs < 1 || topLogprobs > 20) throw new IllegalArgumentException("lantern.llm.top-logprobs must be 1..20");
        if (maxTokens != null && maxTokens < 1) throw new IllegalArgumentException("lantern.llm.max-tokens must be >= 1");
        if (apiKey == null || apiKey.isBlank()) apiKey = "none";
    }

    /** Server-default token limit, no log-prob fallback. */
    public LlmSettings(LlmProvider provider, String baseUrl, String apiKey, String model, double temperature,
                       Duration timeout, int maxRetries, int maxConcurrentCalls, boolean jsonSchema, int topLogprobs) {
        this(provider, baseUrl, apiKey, model, temperature, timeout, maxRetries, maxConcurrentCalls, jsonSchema, topLogprobs, null, false);
    }

    /** An OpenAI-compatible endpoint with the defaults. */
    public static LlmSettings openAi(String baseUrl, String apiKey, String model) {
        return new LlmSettings(LlmProvider.OPENAI, baseUrl, apiKey, model, 0.0, Duration.ofSeconds(60), 3, 8, true, 15);
    }

    public LlmSettings withTimeout(Duration t) {
        return new LlmSettings(provider, baseUrl, apiKey, model, temperature, t, maxRetries, maxConcurrentCalls, jsonSchema, topLogprobs, maxTokens, logprobFallback);
    }

    public LlmSettings withMaxRetries(int n) {
        return new LlmSettings(provider, baseUrl, apiKey, model, temperature, timeout, n, maxConcurrentCalls, jsonSchema, topLogprobs, maxTokens, logprobFallback);
    }

    public LlmSettings withMaxConcurrentCalls(int n) {
        return new LlmSettings(provider, baseUrl, apiKey, model, temperature, timeout, maxRetries, n, jsonSchema, topLogprobs, maxTokens, logprobFallback);
    }

    public LlmSettings withJsonSchema(boolean b) {
        return new LlmSettings(provider, baseUrl, apiKey, model, temperature, timeout, maxRetries, maxConcurrentCalls, b, topLogprobs, maxTokens, logprobFallback);
    }

    public LlmSettings withTopLogprobs(int n) {
        return new LlmSettings(provider, baseUrl, apiKey, model, temperature, timeout, maxRetries, maxConcurrentCalls, jsonSchema, n, maxTokens, logprobFallback);
    }

    public LlmSettings withMaxTokens(Integer n) {
        return new LlmSettings(provider, baseUrl, apiKey, model, temperature, timeout, maxRetries, maxConcurrentCalls, jsonSchema, topLogprobs, n, logprobFallback);
    }

    public LlmSettings withLogprobFallback(boolean b) {
        return new LlmSettings(provider, baseUrl, apiKey, model, temperature, timeout, maxRetries, maxConcurrentCalls, jsonSchema, topLogprobs, maxTokens, b);
    }

    /** Which server this is, for remembering what it can do: provider, endpoint and model. */
    public String serverKey() {
        return provider + " " + baseUrl + " " + model;
    }

    /**
     * Reads {@code lantern.llm.provider, base-url, api-key, model, temperature, timeout-seconds (or timeout: seconds
     * or ISO-8601), max-retries, max-concurrent, json-schema, top-logprobs, max-tokens, logprob-fallback} (the names of LanternConfig.Llm). Returns empty when no LLM is configured at all
     * (neither base-url nor model); throws {@link LlmNotConfiguredException} naming what is missing when it is
     * configured halfway.
     */
    public static Optional<LlmSettings> fromConfig(Function<String, Optional<String>> config) {
        Function<String, Optional<String>> get = k -> config.apply(PREFIX + k).map(String::trim).filter(s -> !s.isEmpty());
        Optional<String> baseUrl = get.apply("base-url");
        Optional<String> model = get.apply("model");
        if (baseUrl.isEmpty() && model.isEmpty()) return Optional.empty();
        List<String> missing = new ArrayList<>();
        if (baseUrl.isEmpty()) missing.add(PREFIX + "base-url");
        if (model.isEmpty()) missing.add(PREFIX + "model");
        LlmProvider provider = get.apply("provider").map(LlmProvider::parse).orElse(LlmProvider.OPENAI);
        if (provider == LlmProvider.ANTHROPIC && get.apply("api-key").isEmpty()) missing.add(PREFIX + "api-key");
        if (!missing.isEmpty()) throw new LlmNotConfiguredException(missing);
        return Optional.of(new LlmSettings(provider, baseUrl.get(), get.apply("api-key").orElse(""), model.get(),
                get.apply("temperature").map(Double::parseDouble).orElse(0.0),
                get.apply("timeout-seconds").or(() -> get.apply("timeout")).map(LlmSettings::duration).orElse(Duration.ofSeconds(60)),
                get.apply("max-retries").map(Integer::parseInt).orElse(3),
                get.apply("max-concurrent").or(() -> get.apply("max-concurrent-calls")).map(Integer::parseInt).orElse(8),
                get.apply("json-schema").map(Boolean::parseBoolean).orElse(provider == LlmProvider.OPENAI),
                get.apply("top-logprobs").map(Integer::parseInt).orElse(15),
                get.apply("max-tokens").map(Integer::parseInt).orElse(null),
                get.apply("logprob-fallback").map(Boolean::parseBoolean).orElse(false)));
    }

    /** Same as {@link #fromConfig} but an absent configuration is an error naming every key to set. */
    public static LlmSettings require(Function<String, Optional<String>> config) {
        return fromConfig(config).orElseThrow(() -> new LlmNotConfiguredException(List.of(
                PREFIX + "base-url", PREFIX + "model", PREFIX + "api-key", PREFIX + "provider")));
    }

    private static Duration duration(String s) {
        return s.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(s)) : Duration.parse(s);
    }

    @Override
    public String toString() {
        // never print the key
        return "LlmSettings[" + provider + " " + baseUrl + " model=" + model + " timeout=" + timeout + " retries=" + maxRetries
                + " concurrency=" + maxConcurrentCalls + (maxTokens == null ? "" : " maxTokens=" + maxTokens) + "]";
    }
}
