package lantern.llm;

import java.util.Optional;

/** The parsed value of one call (after retries), or why there is none; and what it cost. */
public record LlmResult<T>(T value, String error, LlmUsage usage) {
    public static <T> LlmResult<T> ok(T value, LlmUsage usage) {
        return new LlmResult<>(value, null, usage);
    }

    public static <T> LlmResult<T> failed(String error, LlmUsage usage) {
        return new LlmResult<>(null, error, usage);
    }

    public boolean isOk() {
        return error == null;
    }

    public Optional<T> optional() {
        return Optional.ofNullable(value);
    }
}
