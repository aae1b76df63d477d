package lantern.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in LLM on localhost speaking OpenAI's chat-completions API, answering every request after a fixed
 * delay, for the explain benchmark. It reads the response-format schema name to answer in the shape asked
 * (explanation / activations / detection) and counts requests and the most it ever had in flight.
 */
public final class OpenAiStubServer implements AutoCloseable {
    private static final ObjectMapper M = new ObjectMapper();
    private static final Pattern N_TOKENS = Pattern.compile("The document has (\\d+) tokens");
    private static final Pattern N_TEXTS = Pattern.compile("There are (\\d+) texts");

    private final HttpServer server;
    private final long delayMs;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();

    public OpenAiStubServer(long delayMs) throws IOException {
        this.delayMs = delayMs;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/chat/completions", this::handle);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public long requests() {
        return requests.get();
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        requests.incrementAndGet();
        try {
            JsonNode req = M.readTree(ex.getRequestBody().readAllBytes());
            Thread.sleep(delayMs);
            String content = answer(req);
            ObjectNode root = M.createObjectNode().put("id", "stub-" + requests.get()).put("object", "chat.completion")
                    .put("created", System.currentTimeMillis() / 1000).put("model", req.path("model").asText("stub"));
            ObjectNode choice = root.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
            choice.putObject("message").put("role", "assistant").put("content", content);
            root.putObject("usage").put("prompt_tokens", 400).put("completion_tokens", 20).put("total_tokens", 420);
            byte[] body = root.toString().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.sendResponseHeaders(503, -1);
        } catch (RuntimeException e) {
            byte[] body = ("{\"error\":{\"message\":\"" + e.getClass().getSimpleName() + "\"}}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(400, body.length);
            ex.getResponseBody().write(body);
        } finally {
            inFlight.decrementAndGet();
            ex.close();
        }
    }

    private static String answer(JsonNode req) {
        String schema = req.at("/response_format/json_schema/name").asText("");
        String prompt = req.at("/messages/1/content").asText(req.at("/messages/0/content").asText(""));
        return switch (schema) {
            case "activations" -> {
                int n = count(N_TOKENS, prompt);
                StringBuilder b = new StringBuilder("{\"activations\": [");
                for (int i = 0; i < n; i++) b.append(i == 0 ? "" : ",").append(i % 5 == 4 ? 10 : 0);
                yield b.append("]}").toString();
            }
            case "detection" -> {
                int n = count(N_TEXTS, prompt);
                StringBuilder b = new StringBuilder("{\"fires\": [");
                for (int i = 0; i < n; i++) b.append(i == 0 ? "" : ",").append(i % 2 == 0);
                yield b.append("]}").toString();
            }
            case "fuzzing" -> {
                int n = count(N_TEXTS, prompt);
                StringBuilder b = new StringBuilder("{\"correct\": [");
                for (int i = 0; i < n; i++) b.append(i == 0 ? "" : ",").append(i % 2 == 0);
                yield b.append("]}").toString();
            }
            case "intruder" -> "{\"intruder\": 0}";
            default -> "{\"explanation\": \"plural nouns\"}";
        };
    }

    private static int count(Pattern p, String prompt) {
        Matcher m = p.matcher(prompt);
        if (!m.find()) throw new IllegalArgumentException("prompt does not say how many items");
        return Integer.parseInt(m.group(1));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
