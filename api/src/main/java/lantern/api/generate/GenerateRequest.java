package lantern.api.generate;

/**
 * A continuation of {@code prompt}; nulls take the defaults: 40 tokens, greedy (temperature 0), top-p 1, seed 0, no
 * DoLa, repetition penalty 1.
 *
 * @param dola "high", "low" or a list of premature layers ("0,2"); null or blank for plain decoding
 */
public record GenerateRequest(String model, String prompt, Integer maxTokens, Float temperature, Float topP,
                              Long seed, String dola, Float repetitionPenalty) {
}
