package lantern.llm;

import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient.Version;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LangChain4j HTTP client on java.net.http that keeps {@code Retry-After} on error answers (see
 * {@link RetryAfterHttpException}) and reports timeouts as LangChain4j TimeoutException. Blocking calls only:
 * Lantern does not stream.
 */
public final class HeaderAwareHttpClient implements HttpClient {
    /** headers java.net.http sets itself and refuses from callers */
    private static final Set<String> RESTRICTED = Set.of("content-length", "host", "connection", "upgrade", "expect");
    private final java.net.http.HttpClient client;
    private final Duration readTimeout;

    HeaderAwareHttpClient(Duration connectTimeout, Duration readTimeout) {
        this.client = java.net.http.HttpClient.newBuilder().version(Version.HTTP_1_1)
                .connectTimeout(connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout).build();
        this.readTimeout = readTimeout == null ? Duration.ofSeconds(60) : readTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(URI.create(request.url())).timeout(readTimeout);
        for (Map.Entry<String, List<String>> h : request.headers().entrySet()) {
            if (RESTRICTED.contains(h.getKey().toLowerCase())) continue;
            for (String v : h.getValue()) b.header(h.getKey(), v);
        }
        String body = request.body();
        switch (request.method()) {
            case GET -> b.GET();
            case DELETE -> b.DELETE();
            case POST -> b.POST(body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                    : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> r;
        try {
            r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new TimeoutException("no answer from " + request.url() + " within " + readTimeout);
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + " " + e.getMessage();
            throw new UncheckedIOException("cannot reach " + request.url() + ": " + why, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling " + request.url(), e);
        }
        if (r.statusCode() < 200 || r.statusCode() >= 300) {
            Duration retryAfter = RetryAfterHttpException.parseRetryAfter(
                    r.headers().firstValue("retry-after").orElse(null), Instant.now());
            throw new RetryAfterHttpException(r.statusCode(), r.body(), retryAfter);
        }
        checkErrorBody(r.statusCode(), r.body());
        return SuccessfulHttpResponse.builder().statusCode(r.statusCode()).headers(r.headers().map()).body(r.body()).build();
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper M = new com.fasterxml.jackson.databind.ObjectMapper();

    /** A 2xx whose body is {@code {"error": ...}} and no completion: throw with the provider's message and code. */
    static void checkErrorBody(int status, String body) {
        if (body == null || !body.contains("\"error\"")) return;
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = M.readTree(body);
        } catch (IOException | RuntimeException e) {
            return;   // not JSON: LangChain4j reports it
        }
        if (root == null || !root.isObject() || !root.hasNonNull("error")) return;
        if (root.has("choices") && root.get("choices").isArray() && !root.get("choices").isEmpty()) {
            // OpenRouter: the error may sit inside the choice when generation failed midway
            com.fasterxml.jackson.databind.JsonNode c = root.get("choices").get(0);
            if (!c.hasNonNull("error")) return;
            root = c;
        } else if (root.has("content") && root.get("content").isArray() && !root.get("content").isEmpty()) {
            return;   // an Anthropic message that happens to carry an error field
        }
        com.fasterxml.jackson.databind.JsonNode err = root.get("error");
        String message = err.isTextual() ? err.asText() : err.path("message").asText(err.toString());
        com.fasterxml.jackson.databind.JsonNode code = err.isObject() ? err.path("code") : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        if ((code.isMissingNode() || code.isNull()) && err.isObject()) code = err.path("type");
        String raw = err.isObject() && err.path("metadata").hasNonNull("raw") ? err.path("metadata").path("raw").asText() : null;
        if (raw != null && !raw.isBlank() && !message.contains(raw)) message = message + " (" + raw + ")";
        throw new ProviderErrorException(status, code.isMissingNode() || code.isNull() ? null : code.asText(), message);
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        throw new UnsupportedOperationException("streaming is not used by Lantern");
    }

    public static final class Builder implements HttpClientBuilder {
        private Duration connectTimeout;
        private Duration readTimeout;

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        @Override
        public Duration readTimeout() {
            return readTimeout;
        }

        @Override
        public Builder readTimeout(Duration d) {
            this.readTimeout = d;
            return this;
        }

        @Override
        public HeaderAwareHttpClient build() {
            return new HeaderAwareHttpClient(connectTimeout, readTimeout);
        }
    }
}
