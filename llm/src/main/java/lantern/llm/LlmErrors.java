package lantern.llm;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;

import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads what went wrong in a call: retriable or not, a capability the server lacks, and a one-line reason. */
final class LlmErrors {
    /** "max allowed: 5" (vLLM), "Expected a value <= 20" (OpenAI), "must be less than or equal to 5", "between 0 and 20" */
    private static final Pattern CAP = Pattern.compile(
            "(?:max(?:imum)?\\s*(?:allowed)?\\s*(?:value\\s*)?(?:is|:|=)\\s*|<=\\s*|less than or equal to\\s*|at most\\s*|between\\s*0\\s*and\\s*)(\\d{1,3})",
            Pattern.CASE_INSENSITIVE);

    private LlmErrors() {
    }

    /** The HTTP status and body of a failed call, if it got an HTTP answer. */
    record Http(int status, String body) {
        String lower() {
            return body == null ? "" : body.toLowerCase(Locale.ROOT);
        }
    }

    static Optional<Http> http(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpException h) return Optional.of(new Http(h.statusCode(), h.getMessage()));
        }
        return Optional.empty();
    }

    static Optional<ProviderErrorException> providerError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof ProviderErrorException p) return Optional.of(p);
        return Optional.empty();
    }

    /** A 400/422, or a 5xx whose body names the response format (ik_llama.cpp answers 500): the format may be the cause. */
    static boolean mayRejectFormat(Http h) {
        if (h.status() == 400 || h.status() == 422) return !mentionsLogprobs(h) && !h.lower().contains("context");
        return h.status() >= 500 && (h.lower().contains("response_format") || h.lower().contains("json_schema")
                || h.lower().contains("json_object"));
    }

    /** The body names the response format itself (so the same 400 again after a downgrade still blames the format). */
    static boolean namesFormat(Http h) {
        String b = h.lower();
        return b.contains("response_format") || b.contains("json_schema") || b.contains("json_object") || b.contains("schema")
                || b.contains("format");
    }

    static boolean mentionsLogprobs(Http h) {
        return h.lower().contains("logprob");
    }

    /** The cap a 400 names for {@code top_logprobs}, if it is about them. */
    static Optional<Integer> topLogprobsCap(Http h) {
        if (h.status() != 400 && h.status() != 422) return Optional.empty();
        if (!mentionsLogprobs(h)) return Optional.empty();
        Matcher m = CAP.matcher(h.body());
        return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }

    static boolean retriable(Throwable e) {
        Optional<ProviderErrorException> p = providerError(e);
        if (p.isPresent()) return p.get().retriable();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RateLimitException || t instanceof InternalServerException || t instanceof TimeoutException
                    || t instanceof HttpTimeoutException || t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException) {
                return true;
            }
            if (t instanceof HttpException h && (h.statusCode() == 429 || h.statusCode() >= 500)) return true;
        }
        return false;
    }

    static Optional<Duration> retryAfter(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RetryAfterHttpException r && r.retryAfter().isPresent()) return r.retryAfter();
        }
        return Optional.empty();
    }

    /** One line: the HTTP status and the provider's own message (from an OpenAI-style error body when there is one). */
    static String describe(Throwable e) {
        Optional<ProviderErrorException> p = providerError(e);
        if (p.isPresent()) return oneLine(p.get().getMessage());
        Optional<Http> h = http(e);
        if (h.isPresent()) return "HTTP " + h.get().status() + ": " + oneLine(providerMessage(h.get().body()));
        for (Throwable t = e; t != null; t = t.getCause()) {
            if ((t instanceof java.io.UncheckedIOException || t instanceof TimeoutException) && t.getMessage() != null) {
                return (t instanceof TimeoutException ? "timeout: " : "") + oneLine(t.getMessage());
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String m = e.getMessage() != null ? e.getMessage() : root.getMessage();
        return e.getClass().getSimpleName() + ": " + oneLine(m == null ? root.getClass().getSimpleName() : m);
    }

    /** {@code {"error": {"message": "...", "code": ...}}} → "message (code ...)"; anything else as it came. */
    static String providerMessage(String body) {
        if (body == null) return "";
        String s = body.strip();
        if (s.startsWith("{")) {
            try {
                var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(s);
                var err = root.path("error");
                if (err.isTextual()) return err.asText();
                if (err.isObject() && err.hasNonNull("message")) {
                    String code = err.hasNonNull("code") ? err.get("code").asText() : err.hasNonNull("type") ? err.get("type").asText() : null;
                    return err.get("message").asText() + (code == null ? "" : " (code " + code + ")");
                }
                if (root.hasNonNull("detail")) return root.get("detail").toString();   // FastAPI validation errors
                if (root.hasNonNull("message")) return root.get("message").asText();
            } catch (Exception ignored) {
                // not JSON after all
            }
        }
        return s;
    }

    static String oneLine(String s) {
        if (s == null) return "";
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > 300 ? one.substring(0, 300) + "…" : one;
    }
}
