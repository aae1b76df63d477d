package lantern.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent clients against a running service, each looping over a weighted mix of calls (search 40%, feature page
 * 25%, activations 25%, explain 10%) until the time is up; latencies per call, errors (non-2xx or no answer).
 */
public final class LoadRun {
    public record Result(Map<String, long[]> latenciesNanos, long errors, List<String> errorSamples, double seconds, int clients) {
        public String table() {
            StringBuilder s = new StringBuilder();
            long total = latenciesNanos.values().stream().mapToLong(a -> a.length).sum();
            s.append(String.format("%d clients, %.1f s: %d requests, %.1f req/s, %d errors%n", clients, seconds, total, total / seconds, errors));
            s.append(String.format("%-12s %8s %9s %9s %9s%n", "call", "count", "req/s", "p50 ms", "p99 ms"));
            latenciesNanos.forEach((name, l) -> {
                long[] a = l.clone();
                Arrays.sort(a);
                s.append(String.format("%-12s %8d %9.1f %9.2f %9.2f%n", name, a.length, a.length / seconds,
                        a.length == 0 ? 0 : a[(int) ((a.length - 1) * 0.50)] / 1e6, a.length == 0 ? 0 : a[(int) ((a.length - 1) * 0.99)] / 1e6));
            });
            errorSamples.stream().limit(10).forEach(e -> s.append("  error: ").append(e).append('\n'));
            return s.toString();
        }
    }

    private static final String[] QUERIES = {"plural nouns", "past tense verbs", "legal rights", "numbers", "the word the",
            "names of people", "punctuation", "adjectives", "food", "time"};
    private static final String[] TEXTS = {"The jury said it did find that many laws are outmoded.",
            "He ordered noodles and a cup of green tea.", "The treasury issued new bonds in March.",
            "Children played in the park while their parents talked."};

    private LoadRun() {
    }

    public static Result run(String baseUrl, String apiKey, int clients, int seconds) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        List<String> features = features(http, baseUrl, apiKey);
        Map<String, ConcurrentLinkedQueue<Long>> lat = new LinkedHashMap<>();
        for (String c : List.of("search", "feature", "activations", "explain")) lat.put(c, new ConcurrentLinkedQueue<>());
        AtomicLong errors = new AtomicLong();
        List<String> samples = Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Random rnd = new Random(c);
            threads.add(Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < end) {
                    int pick = rnd.nextInt(100);
                    String call;
                    HttpRequest.Builder b;
                    String f = features.get(rnd.nextInt(features.size()));
                    if (pick < 40) {
                        call = "search";
                        b = FuzzRun.builder(baseUrl, "/api/search?q=" + enc(QUERIES[rnd.nextInt(QUERIES.length)]), apiKey).GET();
                    } else if (pick < 65) {
                        call = "feature";
                        b = FuzzRun.builder(baseUrl, "/api/features/" + f, apiKey).GET();
                    } else if (pick < 90) {
                        call = "activations";
                        b = FuzzRun.builder(baseUrl, "/api/models/minilm-l6/activations", apiKey).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"" + TEXTS[rnd.nextInt(TEXTS.length)] + "\"}"));
                    } else {
                        call = "explain";
                        b = FuzzRun.builder(baseUrl, "/api/features/" + f + "/explain", apiKey).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"explainer\":\"statistical\",\"causal\":false}"));
                    }
                    long s = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() / 100 != 2) {
                            errors.incrementAndGet();
                            samples.add(call + " " + r.statusCode() + " " + r.body().substring(0, Math.min(200, r.body().length())));
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        samples.add(call + " " + e);
                    }
                    lat.get(call).add(System.nanoTime() - s);
                }
            }));
        }
        for (Thread t : threads) t.join();
        double secs = (System.nanoTime() - t0) / 1e9;
        Map<String, long[]> out = new LinkedHashMap<>();
        lat.forEach((k, q) -> out.put(k, q.stream().mapToLong(Long::longValue).toArray()));
        return new Result(out, errors.get(), samples, secs, clients);
    }

    /** Features with collected records: those the index knows, else MiniLM's first neurons. */
    private static List<String> features(HttpClient http, String baseUrl, String apiKey) throws Exception {
        HttpResponse<String> r = http.send(FuzzRun.builder(baseUrl, "/api/search?q=" + enc("the") + "&limit=100", apiKey).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        List<String> ids = new ArrayList<>();
        if (r.statusCode() == 200) {
            for (JsonNode h : new ObjectMapper().readTree(r.body()).path("hits")) ids.add(h.path("feature").asText());
        }
        if (ids.isEmpty()) throw new IllegalStateException("the index has no features: run ./lantern quickstart first (GET /api/search answered "
                + r.statusCode() + ")");
        return ids;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
