package lantern.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates requests for every operation of the service's own OpenAPI document: values drawn from each parameter's
 * and body's schema, boundary values, wrong types, unknown fields, nulls, huge and empty bodies, malformed JSON,
 * odd path segments and wrong content types. Seeded: the same document and seed give the same requests.
 */
public final class OpenApiFuzzer {
    /** One operation of the document. */
    public record Op(String method, String path, List<Param> params, JsonNode bodySchema, boolean streams) {
    }

    public record Param(String name, String in, JsonNode schema) {
    }

    /** A request to send; {@code body} null means none. */
    public record Request(String method, String uri, String contentType, byte[] body, Op op) {
        public String describe() {
            String b = body == null ? "" : new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
            return method + " " + (uri.length() > 300 ? uri.substring(0, 300) + "..." : uri) + " [" + contentType + "] " + b;
        }
    }

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] STRINGS = {"", " ", "a", "minilm-l6", "statistical", "llm", "llm-json", "llm-logprob",
            "mlp", "sae-resid_post-k32", "all", "sample:3", "sample:2:7", "0-2", "minilm-l6/0/mlp/1", "minilm-l6/5/mlp/1535",
            "minilm-l6/9/mlp/1", "blocks.0.hook_resid_post", "identity", "add-direction", "ablate-neuron", "html", "json",
            "../../etc/passwd", "a\u0000b", "\uD83D\uDE00 emoji", "null", "-1", "1e309", "NaN", "<script>alert(1)</script>",
            "' OR 1=1 --", "plural nouns", "The jury said it did find that many laws are outmoded."};
    private static final String[] SEGMENTS = {"x", "minilm-l6", "gpt2", "minilm-l6/0/mlp/1", "minilm-l6/99/mlp/1",
            "minilm-l6/0/sae-x/1", "minilm-l6/-1/mlp/1", "a0-00000000", "aZZ-zz", "..", "%2e%2e", "%2F", "%00", "%", "-1",
            "99999999999999999999", "%F0%9F%98%80", "a%20b", "~", "x".repeat(3000)};

    private final JsonNode doc;
    private final List<Op> ops;
    private final Random rnd;

    public OpenApiFuzzer(JsonNode doc, long seed) {
        this.doc = doc;
        this.rnd = new Random(seed);
        this.ops = parse(doc);
    }

    public static OpenApiFuzzer of(String openApiJson, long seed) {
        try {
            return new OpenApiFuzzer(JSON.readTree(openApiJson), seed);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the OpenAPI document is not JSON", e);
        }
    }

    /** Leaves out the operations whose path starts with the prefix. */
    public OpenApiFuzzer without(String prefix) {
        ops.removeIf(o -> o.path().startsWith(prefix));
        return this;
    }

    public List<Op> operations() {
        return ops;
    }

    private static List<Op> parse(JsonNode doc) {
        List<Op> ops = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
            var e = it.next();
            for (Iterator<Map.Entry<String, JsonNode>> m = e.getValue().fields(); m.hasNext(); ) {
                var op = m.next();
                String method = op.getKey().toUpperCase();
                if (!List.of("GET", "POST", "PUT", "DELETE", "PATCH").contains(method)) continue;
                List<Param> params = new ArrayList<>();
                for (JsonNode p : op.getValue().path("parameters")) params.add(new Param(p.path("name").asText(), p.path("in").asText(), p.path("schema")));
                JsonNode content = op.getValue().path("requestBody").path("content");
                JsonNode body = content.has("application/json") ? content.path("application/json").path("schema") : null;
                boolean streams = op.getValue().path("responses").toString().contains("text/event-stream");
                ops.add(new Op(method, e.getKey(), params, body, streams));
            }
        }
        return ops;
    }

    /** The next request, for a random operation. */
    public Request next() {
        return next(ops.get(rnd.nextInt(ops.size())));
    }

    public Request next(Op op) {
        String path = op.path();
        StringBuilder query = new StringBuilder();
        for (Param p : op.params()) {
            if (p.in().equals("path")) {
                String v = rnd.nextInt(4) == 0 ? SEGMENTS[rnd.nextInt(SEGMENTS.length)] : encode(scalarText(p.schema()));
                path = path.replace("{" + p.name() + "}", v);
            } else if (p.in().equals("query") && rnd.nextInt(3) != 0) {
                int times = rnd.nextInt(10) == 0 ? 2 : 1;
                for (int t = 0; t < times; t++) {
                    query.append(query.isEmpty() ? "?" : "&").append(encode(p.name())).append('=')
                            .append(encode(rnd.nextInt(5) == 0 ? STRINGS[rnd.nextInt(STRINGS.length)] : scalarText(p.schema())));
                }
            }
        }
        path = path.replaceAll("\\{[^}]+}", "x"); // a path parameter the document did not declare
        if (rnd.nextInt(30) == 0) query.append(query.isEmpty() ? "?" : "&").append("unknownParam=1");
        String uri = path + query;
        if (op.bodySchema() == null && !op.method().equals("POST")) return new Request(op.method(), uri, null, null, op);
        int shape = rnd.nextInt(100);
        String type = "application/json";
        byte[] body;
        if (shape < 3) body = new byte[0];
        else if (shape < 4) body = ("{\"text\":\"" + "x".repeat(1_100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        else if (shape < 8) body = new String[]{"{", "[", "nul", "{\"a\":}", "\"str\"", "42", "[1,2]", "{}", "null", "{\"a\":1}}"}[rnd.nextInt(10)].getBytes(StandardCharsets.UTF_8);
        else {
            JsonNode v = op.bodySchema() == null ? F.objectNode() : value(op.bodySchema(), 0);
            if (rnd.nextInt(5) == 0) v = mutate(v);
            body = v.toString().getBytes(StandardCharsets.UTF_8);
        }
        int ct = rnd.nextInt(40);
        if (ct == 0) type = "text/plain";
        else if (ct == 1) type = "application/xml";
        else if (ct == 2) type = null;
        else if (ct == 3) type = "application/json; charset=latin1";
        return new Request(op.method(), uri, type, body, op);
    }

    private JsonNode resolve(JsonNode schema) {
        for (int i = 0; i < 10 && schema.has("$ref"); i++) {
            String ref = schema.get("$ref").asText();
            schema = doc.at(ref.substring(1));
        }
        if (schema.has("allOf") && schema.get("allOf").size() > 0) return resolve(schema.get("allOf").get(0));
        if (schema.has("oneOf") && schema.get("oneOf").size() > 0) return resolve(schema.get("oneOf").get(rnd.nextInt(schema.get("oneOf").size())));
        if (schema.has("anyOf") && schema.get("anyOf").size() > 0) return resolve(schema.get("anyOf").get(rnd.nextInt(schema.get("anyOf").size())));
        return schema;
    }

    private String type(JsonNode s) {
        JsonNode t = s.path("type");
        if (t.isArray()) {
            for (JsonNode x : t) if (!x.asText().equals("null")) return x.asText();
            return "null";
        }
        if (t.isTextual()) return t.asText();
        if (s.has("properties")) return "object";
        return "any";
    }

    JsonNode value(JsonNode schema, int depth) {
        JsonNode s = resolve(schema);
        if (s.has("enum") && s.get("enum").size() > 0 && rnd.nextInt(4) != 0) return s.get("enum").get(rnd.nextInt(s.get("enum").size()));
        if (rnd.nextInt(25) == 0) return F.nullNode();
        return switch (type(s)) {
            case "object" -> {
                ObjectNode o = F.objectNode();
                if (depth > 4) yield o;
                for (Iterator<Map.Entry<String, JsonNode>> it = s.path("properties").fields(); it.hasNext(); ) {
                    var p = it.next();
                    if (rnd.nextInt(10) < 7) o.set(p.getKey(), value(p.getValue(), depth + 1));
                }
                yield o;
            }
            case "array" -> {
                ArrayNode a = F.arrayNode();
                int n = switch (rnd.nextInt(6)) {
                    case 0 -> 0;
                    case 1 -> 20 + rnd.nextInt(40);
                    default -> 1 + rnd.nextInt(3);
                };
                if (depth > 4) n = 0;
                for (int i = 0; i < n; i++) a.add(value(s.path("items"), depth + 1));
                yield a;
            }
            case "integer" -> integer();
            case "number" -> number();
            case "boolean" -> F.booleanNode(rnd.nextBoolean());
            case "string" -> F.textNode(string());
            default -> randomScalar();
        };
    }

    private JsonNode integer() {
        return switch (rnd.nextInt(10)) {
            case 0 -> F.numberNode(0);
            case 1 -> F.numberNode(-1);
            case 2 -> F.numberNode(Integer.MAX_VALUE);
            case 3 -> F.numberNode(Integer.MIN_VALUE);
            case 4 -> F.numberNode(new BigInteger("123456789012345678901234567890"));
            case 5 -> F.numberNode(1.5);
            default -> F.numberNode(rnd.nextInt(40) - 5);
        };
    }

    private JsonNode number() {
        return switch (rnd.nextInt(8)) {
            case 0 -> F.numberNode(0.0);
            case 1 -> F.numberNode(-1e308);
            case 2 -> F.numberNode(1e308);
            case 3 -> F.numberNode(4.9e-324);
            default -> F.numberNode(rnd.nextGaussian() * 10);
        };
    }

    private String string() {
        return switch (rnd.nextInt(12)) {
            case 0 -> "x".repeat(rnd.nextInt(30_000));
            case 1 -> Long.toString(rnd.nextLong(), 36);
            default -> STRINGS[rnd.nextInt(STRINGS.length)];
        };
    }

    private JsonNode randomScalar() {
        return switch (rnd.nextInt(5)) {
            case 0 -> integer();
            case 1 -> number();
            case 2 -> F.booleanNode(rnd.nextBoolean());
            case 3 -> F.arrayNode().add(string());
            default -> F.textNode(string());
        };
    }

    private String scalarText(JsonNode schema) {
        JsonNode v = value(schema, 3);
        return v.isTextual() ? v.asText() : v.toString();
    }

    /** Wrong types, unknown fields, nulls in place of values, a whole body of the wrong shape. */
    private JsonNode mutate(JsonNode v) {
        if (v instanceof ObjectNode o && o.size() > 0 && rnd.nextBoolean()) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            String f = names.get(rnd.nextInt(names.size()));
            JsonNode old = o.get(f);
            JsonNode wrong;
            do wrong = randomScalar(); while (wrong.getNodeType() == old.getNodeType() && rnd.nextInt(4) != 0);
            o.set(f, rnd.nextInt(5) == 0 ? F.objectNode().put("nested", 1) : wrong);
            return o;
        }
        if (v instanceof ObjectNode o && rnd.nextBoolean()) {
            o.put("unknownField" + rnd.nextInt(3), 1);
            return o;
        }
        return rnd.nextBoolean() ? F.arrayNode().add(v) : randomScalar();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
