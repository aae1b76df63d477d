package lantern.llm;

import dev.langchain4j.exception.HttpException;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * A non-2xx answer that keeps the server's {@code Retry-After} (LangChain4j's own HttpException drops headers).
 * LangChain4j wraps it (429 becomes RateLimitException) with this as the cause, so {@link LlmClient} finds it.
 */
public class RetryAfterHttpException extends HttpException {
    private final Duration retryAfter;

    public RetryAfterHttpException(int statusCode, String body, Duration retryAfter) {
        super(statusCode, body);
        this.retryAfter = retryAfter;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Parses delta-seconds or an HTTP-date; null when absent or unreadable. */
    static Duration parseRetryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) return null;
        String v = value.trim();
        try {
            if (v.matches("\\d+(\\.\\d+)?")) return Duration.ofMillis((long) (Double.parseDouble(v) * 1000));
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(now, at);
            return d.isNegative() ? Duration.ZERO : d;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
