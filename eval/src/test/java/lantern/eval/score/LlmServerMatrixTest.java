package lantern.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import lantern.api.ActivationRecord;
import lantern.explainer.explain.Explanation;
import lantern.explainer.explain.LlmCallFailedException;
import lantern.explainer.explain.LlmExplainer;
import lantern.explainer.explain.RecordSplit;
import lantern.explainer.explain.RecordSplitter;
import lantern.llm.LlmClient;
import lantern.llm.LlmProbe;
import lantern.llm.LlmSettings;
import lantern.llm.ServerCapabilities;
import lantern.explainer.simulate.LlmJsonSimulator;
import lantern.explainer.simulate.LlmLogprobSimulator;
import lantern.explainer.simulate.Simulation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One WireMock server per behaviour of the LLM servers people run (vLLM, Ollama, llama.cpp, LM Studio, OpenRouter,
 * reasoning models), each driven through the real LangChain4j clients for the explainer, llm-json, llm-logprob,
 * detection and {@code lantern llm check}: every row succeeds, or fails with its one-line reason holding the
 * provider's message, and no capability error costs more than one extra call.
 */
class LlmServerMatrixTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final Pattern N_TOKENS = Pattern.compile("The document has (\\d+) tokens");
    private static final Pattern N_TEXTS = Pattern.compile("There are (\\d+) texts");
    private static volatile Function<JsonNode, ResponseDefinition> behaviour;
    private static WireMockServer server;

    private static final List<ActivationRecord> WINDOWS = List.of(
            new ActivationRecord(List.of("the", " dog", "s", " ran"), new float[]{0, 2, 4, 0}),
            new ActivationRecord(List.of("two", " cat", "s"), new float[]{0, 1, 5}),
            new ActivationRecord(List.of("a", " bird"), new float[]{0, 0}));
    private static final Explanation EXPLANATION = Explanation.ofText("plural nouns", "test");

    /** Serves whatever the current behaviour answers for the request body. */
    public static final class Dispatch implements ResponseDefinitionTransformerV2 {
        @Override
        public ResponseDefinition transform(ServeEvent e) {
            try {
                return behaviour.apply(M.readTree(e.getRequest().getBodyAsString()));
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        }

        @Override
        public String getName() {
            return "llm-behaviour";
        }
    }

    @BeforeAll
    static void start() {
        server = new WireMockServer(options().dynamicPort().extensions(new Dispatch()));
        server.start();
        server.stubFor(any(anyUrl()).willReturn(ok()));
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    // ---- what a well-behaved model answers, by task ----

    record Answer(String content, List<String> tokens) {
    }

    /** The right answer for the prompt: explanation, activations, detection, probe JSON, or lines (with tokens). */
    static Answer good(JsonNode req) {
        String user = req.at("/messages").get(req.at("/messages").size() - 1).path("content").asText();
        Matcher t = N_TOKENS.matcher(user), x = N_TEXTS.matcher(user);
        if (req.path("logprobs").asBoolean(false)) {
            int n = t.find() ? Integer.parseInt(t.group(1)) : 3;
            List<String> tokens = new ArrayList<>();
            StringBuilder c = new StringBuilder();
            for (int i = 0; i < n; i++) {
                String v = Integer.toString(Math.min(10, i * 3));
                if (i > 0) {
                    tokens.add("\n");
                    c.append('\n');
                }
                tokens.add(v);
                c.append(v);
            }
            return new Answer(c.toString(), tokens);
        }
        if (t.find()) {
            int n = Integer.parseInt(t.group(1));
            List<String> v = new ArrayList<>();
            for (int i = 0; i < n; i++) v.add(Integer.toString(Math.min(10, i * 3)));
            return new Answer("{\"activations\": [" + String.join(", ", v) + "]}", null);
        }
        if (x.find()) {
            int n = Integer.parseInt(x.group(1));
            List<String> v = new ArrayList<>();
            for (int i = 0; i < n; i++) v.add(i % 2 == 0 ? "true" : "false");
            return new Answer("{\"fires\": [" + String.join(", ", v) + "]}", null);
        }
        if (user.contains("{\"answer\"")) return new Answer("{\"answer\": \"yes\"}", null);
        return new Answer("{\"explanation\": \"plural nouns\"}", null);
    }

    static ObjectNode completion(String content, List<String> tokens, String finish, boolean usage) {
        ObjectNode root = M.createObjectNode();
        root.put("id", "chatcmpl-1").put("object", "chat.completion").put("created", 1700000000).put("model", "served-model");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0).put("finish_reason", finish);
        choice.putObject("message").put("role", "assistant").put("content", content);
        if (tokens != null) {
            ArrayNode arr = choice.putObject("logprobs").putArray("content");
            for (String tok : tokens) {
                ObjectNode o = arr.addObject().put("token", tok).put("logprob", -0.1);
                ArrayNode top = o.putArray("top_logprobs");
                top.addObject().put("token", tok).put("logprob", -0.1);
                if (tok.matches("\\d+")) top.addObject().put("token", "5").put("logprob", -2.5);
            }
        } else {
            choice.putNull("logprobs");
        }
        if (usage) root.putObject("usage").put("prompt_tokens", 100).put("completion_tokens", 10).put("total_tokens", 110);
        return root;
    }

    static ResponseDefinition json(int status, Object body) {
        return new com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody(body.toString()).build();
    }

    /** A plain OpenAI-compatible server: every parameter honoured. */
    static ResponseDefinition openAi(JsonNode req) {
        Answer a = good(req);
        return json(200, completion(a.content(), req.path("logprobs").asBoolean(false) ? a.tokens() : null, "stop", true));
    }

    static ResponseDefinition error(int status, String message) {
        ObjectNode e = M.createObjectNode();
        e.putObject("error").put("message", message).put("type", "invalid_request_error").put("code", status);
        return json(status, e);
    }

    // ---- the matrix ----

    /**
     * @param explain  null: must succeed; else a substring of the one-line failure
     * @param json     llm-json simulation, same convention
     * @param logprob  llm-logprob simulation
     * @param detect   detection
     * @param calls    most HTTP calls the whole row may make (explain + 3 windows json + 3 logprob + 2 detection batches)
     * @param check    substrings the check table must hold
     */
    record Row(String name, Function<JsonNode, ResponseDefinition> server, String explain, String json, String logprob,
               String detect, int calls, List<String> check) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Row> rows() {
        return Stream.of(
                new Row("openai-compatible", LlmServerMatrixTest::openAi, null, null, null, null, 9,
                        List.of("reachable          yes", "model (server)     served-model", "json_schema        yes",
                                "json_object        not needed", "log-probs          yes", "none met up to 15",
                                "usage reported     yes", "llm-logprob        works", "llm-json           works (response_format json_schema)")),
                new Row("json_schema rejected with 400 (older vLLM, LM Studio)", req ->
                        req.at("/response_format/type").asText().equals("json_schema")
                                ? error(400, "response_format type json_schema is not supported") : openAi(req),
                        null, null, null, null, 10,
                        List.of("json_schema        rejected: HTTP 400: response_format type json_schema is not supported",
                                "json_object        yes", "llm-json           works (response_format json_object)")),
                new Row("every response_format a 500 (ik_llama.cpp)", req -> req.has("response_format")
                        ? error(500, "Unsupported response_format: " + req.at("/response_format/type").asText()) : openAi(req),
                        null, null, null, null, 11,
                        List.of("json_schema        rejected: HTTP 500: Unsupported response_format: json_schema",
                                "json_object        rejected: HTTP 500: Unsupported response_format: json_object",
                                "llm-json           works (response_format none)")),
                new Row("<think> block before the answer (Qwen3, R1 distills)", req -> {
                    Answer a = good(req);
                    String think = "<think>\nThe user wants {\"activations\": [9]}. Hmm.\n</think>\n\n";
                    List<String> tokens = new ArrayList<>(List.of("<think>", "\nThe", " user", " wants 9\n", "</think>", "\n\n"));
                    tokens.addAll(a.tokens() == null ? List.of() : a.tokens());
                    return json(200, completion(think + a.content(), req.path("logprobs").asBoolean(false) ? tokens : null, "stop", true));
                }, null, null, null, null, 9, List.of("reasoning output   yes", "llm-logprob        works")),
                new Row("orphan </think> (gpt-oss, llama.cpp --reasoning-format none)", req -> {
                    Answer a = good(req);
                    List<String> tokens = new ArrayList<>(List.of("Okay", ", 7 then 8", "\n", "</think>", "\n"));
                    tokens.addAll(a.tokens() == null ? List.of() : a.tokens());
                    return json(200, completion("Okay, 7 then 8\n</think>\n" + a.content(),
                            req.path("logprobs").asBoolean(false) ? tokens : null, "stop", true));
                }, null, null, null, null, 9, List.of("reasoning output   yes")),
                new Row("one fenced JSON block inside prose", req -> {
                    Answer a = good(req);
                    if (req.path("logprobs").asBoolean(false)) return openAi(req);
                    return json(200, completion("Sure! Here is my answer:\n```json\n" + a.content() + "\n```\nHope this helps.", null, "stop", true));
                }, null, null, null, null, 9, List.of("llm-json           works")),
                new Row("two fenced blocks: rejected, not guessed", req -> {
                    Answer a = good(req);
                    if (req.path("logprobs").asBoolean(false)) return openAi(req);
                    return json(200, completion("```json\n{\"draft\": 1}\n```\nthen\n```json\n" + a.content() + "\n```", null, "stop", true));
                }, "2 fenced blocks", "2 fenced blocks", null, "2 fenced blocks", 20, List.of("llm-json           no: malformed answer: the answer holds 2 fenced blocks")),
                new Row("HTTP 200 with an error body (OpenRouter)", req -> {
                    ObjectNode e = M.createObjectNode();
                    e.putObject("error").put("message", "Provider returned error").put("code", 502)
                            .putObject("metadata").put("raw", "upstream overloaded").put("provider_name", "Foo");
                    return json(200, e);
                }, "Provider returned error (upstream overloaded)", "Provider returned error", "code 502", "upstream overloaded", 18,
                        List.of("reachable          yes", "llm-json           no: HTTP 200 with an error body (code 502): Provider returned error (upstream overloaded)")),
                new Row("empty answer, finish_reason length (reasoning used the budget)", req -> {
                    ObjectNode c = completion("", null, "length", true);
                    ((ObjectNode) c.at("/choices/0/message")).put("reasoning_content", "Let me think about this very carefully...");
                    return json(200, c);
                }, "lantern.llm.max-tokens", "finish_reason length", "finish_reason length", "lantern.llm.max-tokens", 9,
                        List.of("reasoning output   yes", "llm-json           no: empty answer: the model stopped at its token limit")),
                new Row("no usage in the answers", req -> {
                    Answer a = good(req);
                    return json(200, completion(a.content(), req.path("logprobs").asBoolean(false) ? a.tokens() : null, "stop", false));
                }, null, null, null, null, 9, List.of("usage reported     no (tokens are reported as unknown)")),
                new Row("logprobs accepted, never returned (LM Studio, OpenRouter)", req -> {
                    Answer a = good(req);
                    return json(200, completion(a.content(), null, "stop", true));
                }, null, null, "no log-probs", null, 7,
                        List.of("log-probs          no: the server returned no log-probs", "llm-logprob        no: the server returned no log-probs",
                                "llm-json           works")),
                new Row("logprobs refused with 400", req -> req.path("logprobs").asBoolean(false)
                        ? error(400, "logprobs is not supported by this model") : openAi(req),
                        null, null, "logprobs is not supported by this model", null, 7,
                        List.of("log-probs          no: the server refuses log-probs: HTTP 400: logprobs is not supported by this model")),
                new Row("top_logprobs cap: max allowed 5 (vLLM --max-logprobs 5)", req -> req.path("top_logprobs").asInt(0) > 5
                        ? json(400, "{\"object\":\"error\",\"message\":\"Requested top_logprobs of " + req.path("top_logprobs").asInt()
                        + ", which is greater than max allowed: 5\",\"type\":\"BadRequestError\",\"code\":400}") : openAi(req),
                        null, null, null, null, 10, List.of("top_logprobs cap   5", "llm-logprob        works")),
                new Row("reasoning tokens in the log-probs (vLLM --reasoning-parser)", req -> {
                    Answer a = good(req);
                    ObjectNode c;
                    if (req.path("logprobs").asBoolean(false)) {
                        List<String> tokens = new ArrayList<>(List.of("Let", " me", " count", ": ", "7", "\n", "8", "\n\n"));
                        tokens.addAll(a.tokens());
                        c = completion(a.content(), tokens, "stop", true);
                    } else {
                        c = completion(a.content(), null, "stop", true);
                    }
                    ((ObjectNode) c.at("/choices/0/message")).put("reasoning_content", "Let me count: 7\n8");
                    return json(200, c);
                }, null, null, null, null, 9, List.of("reasoning output   yes", "llm-logprob        works")),
                new Row("server down", req -> {
                    throw new IllegalStateException("never reached");
                }, "cannot reach", "cannot reach", "cannot reach", "cannot reach", 0,
                        List.of("reachable          no: cannot reach http://127.0.0.1:9/v1/chat/completions: ConnectException",
                                "json_schema        not tried", "llm-json           no: cannot reach")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachServerBehaviourSucceedsOrSaysWhy(Row row) {
        ServerCapabilities.forgetAll();
        server.resetRequests();
        behaviour = row.server();
        String base = row.name().equals("server down") ? "http://127.0.0.1:9/v1" : server.baseUrl() + "/v1";
        LlmSettings settings = LlmSettings.openAi(base, "k", "m").withMaxRetries(1).withTimeout(Duration.ofSeconds(5));
        LlmClient client = LlmClient.create(settings);

        // explain
        String explainError = null;
        try {
            assertThat(new LlmExplainer(client).explain(split()).text()).isEqualTo("plural nouns");
        } catch (LlmCallFailedException e) {
            explainError = e.getMessage();
        }
        expect(row, "explain", explainError, row.explain());

        // llm-json, then llm-logprob, window by window
        List<String> jsonErrors = new ArrayList<>(), lpErrors = new ArrayList<>();
        for (ActivationRecord w : WINDOWS) {
            Simulation s = new LlmJsonSimulator(client).simulate(EXPLANATION, w);
            if (s.isOk()) assertThat(s.predicted()).hasSize(w.size()); else jsonErrors.add(s.error());
        }
        for (ActivationRecord w : WINDOWS) {
            Simulation s = new LlmLogprobSimulator(client).simulate(EXPLANATION, w);
            if (s.isOk()) {
                // the answer's first line is 0 (alternatives 0 at p=e^-0.1 and 5 at e^-2.5): reasoning digits never leak in
                assertThat(s.predicted()[0]).isCloseTo(5 * Math.exp(-2.5) / (Math.exp(-0.1) + Math.exp(-2.5)),
                        org.assertj.core.api.Assertions.within(1e-9));
            } else {
                lpErrors.add(s.error());
            }
        }
        expectAll(row, "llm-json", jsonErrors, row.json());
        expectAll(row, "llm-logprob", lpErrors, row.logprob());

        // detection: 3 windows in batches of 2
        Detector.Answers answers = new LlmDetector(client, 2).detect(EXPLANATION, WINDOWS);
        List<String> detectErrors = new ArrayList<>(answers.failures().keySet());
        if (row.detect() == null) assertThat(answers.fires()).as(row.name()).doesNotContainNull();
        else assertThat(answers.fires()).as(row.name()).containsOnlyNulls();
        expectAll(row, "detection", detectErrors, row.detect());

        int calls = server.getAllServeEvents().size();
        assertThat(calls).as(row.name() + ": HTTP calls").isLessThanOrEqualTo(row.calls());

        // lantern llm check
        server.resetRequests();
        LlmProbe.Report report = LlmProbe.probe(settings);
        String table = report.table();
        for (String line : row.check()) assertThat(table).as(row.name() + "\n" + table).contains(line);
        assertThat(server.getAllServeEvents().size()).as("probe calls").isLessThanOrEqualTo(6);
    }

    @org.junit.jupiter.api.Test
    void withFallbackAllowedAServerWithoutLogprobsIsSimulatedByLlmJsonAndTheScoreSaysSo() {
        ServerCapabilities.forgetAll();
        server.resetRequests();
        behaviour = req -> json(200, completion(good(req).content(), null, "stop", false));   // LM Studio, and no usage
        LlmSettings settings = LlmSettings.openAi(server.baseUrl() + "/v1", "k", "m").withMaxRetries(1).withLogprobFallback(true);
        RecordSplit split = new RecordSplitter(1, 5, 5).split(WINDOWS, List.of());
        SimulationScorer.Result r = new SimulationScorer().score(EXPLANATION, split, new LlmLogprobSimulator(LlmClient.create(settings)));
        assertThat(r.score().nFailed()).isZero();
        assertThat(r.score().simulator()).isEqualTo("llm-json:m");
        assertThat(r.usage().tokensKnown()).isFalse();
        assertThat(r.usage().tokensText()).contains("unknown");
        // one log-prob call found out; every window then went straight to llm-json
        long logprobCalls = server.getAllServeEvents().stream().filter(e -> e.getRequest().getBodyAsString().contains("\"logprobs\"")).count();
        assertThat(logprobCalls).as("concurrent windows wait for the first to find out").isEqualTo(1);
        assertThat(server.getAllServeEvents().size() - logprobCalls).isEqualTo(split.scoring().size());
    }

    @org.junit.jupiter.api.Test
    void withoutFallbackEveryFailedWindowKeepsItsReason() {
        ServerCapabilities.forgetAll();
        behaviour = req -> json(200, completion(good(req).content(), null, "stop", true));
        LlmSettings settings = LlmSettings.openAi(server.baseUrl() + "/v1", "k", "m").withMaxRetries(1);
        RecordSplit split = new RecordSplitter(1, 5, 5).split(WINDOWS, List.of());
        SimulationScore s = new SimulationScorer().score(EXPLANATION, split, new LlmLogprobSimulator(LlmClient.create(settings))).score();
        assertThat(s.nFailed()).isEqualTo(split.scoring().size());
        assertThat(s.failures()).hasSize(1);
        assertThat(s.failures().values().iterator().next()).isEqualTo(split.scoring().size());
        assertThat(FailureReasons.headline(s.failures())).contains("no log-probs").contains("llm-json");
    }

    private static void expect(Row row, String what, String error, String expected) {
        if (expected == null) {
            assertThat(error).as(row.name() + " / " + what).isNull();
        } else {
            assertThat(error).as(row.name() + " / " + what).isNotNull().contains(expected).doesNotContain("\n");
        }
    }

    private static void expectAll(Row row, String what, List<String> errors, String expected) {
        if (expected == null) {
            assertThat(errors).as(row.name() + " / " + what).isEmpty();
        } else {
            assertThat(errors).as(row.name() + " / " + what).isNotEmpty()
                    .allSatisfy(e -> assertThat(e).contains(expected).doesNotContain("\n"));
        }
    }

    private static RecordSplit split() {
        var top = List.of(new ActivationRecord(List.of("many", " cat", "s"), new float[]{0, 1, 8}),
                new ActivationRecord(List.of("two", " dogs"), new float[]{0, 6}));
        return new RecordSplitter(5, 0, 0).split(top, List.of());
    }
}
