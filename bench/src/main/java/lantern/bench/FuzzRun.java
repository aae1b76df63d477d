package lantern.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Sends fuzzed requests to a running service and counts what came back: statuses, responses ≥ 500 and hangs
 * (no answer within the timeout), each with the request that caused it. An audit the fuzzer happens to start is
 * cancelled at once.
 */
public final class FuzzRun {
    public record Failure(String request, String outcome) {
    }

    /**
     * @param serverErrors responses ≥ 500, except a 503 problem (the deliberate answer of a server not configured for
     *                     the call, e.g. an LLM explainer without an LLM)
     * @param closed       requests the server answered by closing the connection (e.g. after refusing a huge body)
     */
    public record Result(int requests, Map<Integer, Integer> statuses, List<Failure> serverErrors, List<Failure> hangs,
                         List<Failure> closed, double seconds) {
        public String summary() {
            return requests + " requests in " + String.format("%.1f", seconds) + " s; statuses " + statuses
                    + "; responses >= 500 (but deliberate 503s): " + serverErrors.size() + "; hangs: " + hangs.size()
                    + "; connections closed: " + closed.size();
        }
    }

    private FuzzRun() {
    }

    public static String fetchOpenApi(String baseUrl, String apiKey) throws IOException, InterruptedException {
        HttpClient c = HttpClient.newHttpClient();
        HttpResponse<String> r = c.send(builder(baseUrl, "/q/openapi?format=json", apiKey).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("GET /q/openapi answered " + r.statusCode());
        return r.body();
    }

    public static Result run(String baseUrl, String apiKey, OpenApiFuzzer fuzzer, int n, Duration timeout,
                             Consumer<String> progress) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<Failure> errors = new ArrayList<>(), hangs = new ArrayList<>(), closed = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            OpenApiFuzzer.Request rq = fuzzer.next();
            HttpRequest req;
            try {
                HttpRequest.Builder b = builder(baseUrl, rq.uri(), apiKey).timeout(timeout);
                if (rq.contentType() != null) b.header("Content-Type", rq.contentType());
                b.method(rq.method(), rq.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(rq.body()));
                req = b.build();
            } catch (IllegalArgumentException e) { // a URI the client itself will not send
                statuses.merge(-1, 1, Integer::sum);
                continue;
            }
            // an event stream of a real job stays open by design: read only its status line and headers
            HttpResponse.BodyHandler<byte[]> handler = rq.op().streams() ? HttpResponse.BodyHandlers.replacing(new byte[0]) : HttpResponse.BodyHandlers.ofByteArray();
            try {
                HttpResponse<byte[]> r = client.send(req, handler);
                statuses.merge(r.statusCode(), 1, Integer::sum);
                boolean deliberate = r.statusCode() == 503 && new String(r.body(), java.nio.charset.StandardCharsets.UTF_8).contains("\"title\":\"Service unavailable\"");
                if (r.statusCode() >= 500 && !deliberate) {
                    errors.add(new Failure(rq.describe(), r.statusCode() + " " + new String(r.body(), 0, Math.min(r.body().length, 400))));
                }
                if (r.statusCode() == 202 && rq.uri().startsWith("/api/audits")) {
                    r.headers().firstValue("Location").ifPresent(loc -> cancel(client, baseUrl, loc, apiKey));
                }
            } catch (HttpTimeoutException e) {
                hangs.add(new Failure(rq.describe(), "no answer within " + timeout.toSeconds() + " s"));
            } catch (IOException e) {
                // a connection the server closed (e.g. after refusing a huge body) is an answer, not a hang
                statuses.merge(0, 1, Integer::sum);
                closed.add(new Failure(rq.describe(), e.toString()));
            }
            if (progress != null && (i + 1) % 500 == 0) progress.accept((i + 1) + "/" + n + " " + statuses);
        }
        return new Result(n, statuses, errors, hangs, closed, (System.nanoTime() - t0) / 1e9);
    }

    private static void cancel(HttpClient client, String baseUrl, String location, String apiKey) {
        try {
            String path = URI.create(location).getPath();
            client.send(builder(baseUrl, path, apiKey).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException | InterruptedException | IllegalArgumentException ignored) {
            // best effort: the audit is also stopped when the service stops
        }
    }

    static HttpRequest.Builder builder(String baseUrl, String pathAndQuery, String apiKey) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery));
        if (apiKey != null && !apiKey.isBlank()) b.header("X-API-Key", apiKey);
        return b;
    }
}
