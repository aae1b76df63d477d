package lantern.llm;

import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code lantern llm check} and {@code GET /api/llm}: asks the configured server two small questions through the
 * same client the explainer and simulators use (a JSON answer under {@code response_format}, then a few lines with
 * log-probs) and reports what it accepts and which simulators will work, before a long audit finds out. What the
 * probe learns is also remembered for the process, as if a real call had learned it.
 */
public final class LlmProbe {
    static final JsonSchema SCHEMA = JsonSchema.builder().name("probe").rootElement(JsonObjectSchema.builder()
            .addStringProperty("answer").required("answer").additionalProperties(false).build()).build();
    private static final String JSON_PROMPT = "Answer with JSON only, of the form {\"answer\": \"yes\"}.";
    private static final String LINES_PROMPT = "Answer with exactly 3 lines and nothing else: line i holds only the integer i (1, 2, 3).";

    private LlmProbe() {
    }

    /**
     * @param reachable      an HTTP answer came back (any status)
     * @param serverModel    the model name the server reported in its answer (null when it sent none)
     * @param jsonSchema     "yes", "rejected: ...", or "off" (lantern.llm.json-schema=false / not an OpenAI server)
     * @param jsonObject     "yes", "rejected: ...", "not needed" (json_schema worked) or "off"
     * @param logprobs       "yes", "no: ...", or "n/a" (the provider's API has none)
     * @param topLogprobs    the cap the server named ("max allowed: N"), or "none met up to N"
     * @param reasoning      the answers carried reasoning (think blocks or reasoning_content)
     * @param usage          the server reports token usage
     * @param simulators     explain / llm-json / llm-logprob / detection → "works ..." or "no: ..."
     * @param error          why the JSON question failed, null when it worked
     */
    public record Report(String server, String model, boolean reachable, String serverModel, String jsonSchema,
                         String jsonObject, String logprobs, String topLogprobs, boolean reasoning, boolean usage,
                         Map<String, String> simulators, String error) {
        /** llm-json (and so the LLM explainer and detection) work. */
        public boolean usable() {
            return error == null;
        }

        /** The report as a two-column table, one capability per line. */
        public String table() {
            StringBuilder b = new StringBuilder();
            b.append("LLM server ").append(server).append("  (model ").append(model).append(")\n");
            row(b, "reachable", reachable ? "yes" : "no" + (error == null ? "" : ": " + error));
            row(b, "model (server)", serverModel == null ? "not reported" : serverModel);
            row(b, "json_schema", jsonSchema);
            row(b, "json_object", jsonObject);
            row(b, "log-probs", logprobs);
            row(b, "top_logprobs cap", topLogprobs);
            row(b, "reasoning output", reasoning ? "yes (thinking is cut before parsing; raise lantern.llm.max-tokens if answers come back empty)" : "no");
            row(b, "usage reported", !reachable ? "not tried" : usage ? "yes" : "no (tokens are reported as unknown)");
            b.append("simulators\n");
            simulators.forEach((k, v) -> row(b, k, v));
            return b.toString();
        }

        private static void row(StringBuilder b, String k, String v) {
            b.append("  ").append(String.format("%-18s", k)).append(' ').append(v).append('\n');
        }
    }

    public static Report probe(LlmSettings settings) {
        return probe(settings, ChatModelFactory.create(settings));
    }

    static Report probe(LlmSettings settings, dev.langchain4j.model.chat.ChatModel chatModel) {
        ServerCapabilities caps = ServerCapabilities.unshared();
        LlmClient client = new LlmClient(chatModel, settings.withMaxRetries(0), caps);
        String[] serverModel = new String[1];
        LlmResult<String> json = client.call(new LlmRequest(JSON_PROMPT, JSON_PROMPT, SCHEMA, false), reply -> {
            serverModel[0] = reply.model();
            var node = StrictJson.object(reply.text(), Set.of("answer")).get("answer");
            if (!node.isTextual()) throw new MalformedAnswerException("answer is not a string");
            return node.textValue();
        });
        boolean reachable = caps.answered();
        boolean formats = settings.provider() == LlmProvider.OPENAI && settings.jsonSchema();
        String jsonSchema, jsonObject;
        if (!reachable) {
            jsonSchema = jsonObject = "not tried";
        } else if (!formats) {
            jsonSchema = jsonObject = "off (the prompt asks for JSON; lantern.llm.json-schema=false or not an OpenAI-compatible server)";
        } else {
            ResponseFormatMode learned = caps.learnedFormat().orElse(null);
            jsonSchema = learned == ResponseFormatMode.JSON_SCHEMA ? "yes"
                    : caps.formatRejection(ResponseFormatMode.JSON_SCHEMA).map(r -> "rejected: " + r).orElse("unknown");
            jsonObject = learned == ResponseFormatMode.JSON_SCHEMA ? "not needed"
                    : learned == ResponseFormatMode.JSON_OBJECT ? "yes"
                    : caps.formatRejection(ResponseFormatMode.JSON_OBJECT).map(r -> "rejected: " + r).orElse("unknown");
        }
        boolean usage = json.usage().calls() > 0 && json.usage().tokensKnown();
        String logprobs, top;
        if (!client.supportsLogprobs()) {
            logprobs = "n/a (" + settings.provider().name().toLowerCase(java.util.Locale.ROOT) + " has none)";
            top = "n/a";
        } else if (!reachable) {
            logprobs = top = "not tried";
        } else {
            LlmResult<Integer> lp = client.call(new LlmRequest(null, LINES_PROMPT, null, true), reply -> {
                int most = 0;
                for (TokenLogprob t : reply.logprobs()) most = Math.max(most, t.top().size());
                return most;
            });
            logprobs = lp.isOk() ? "yes (" + lp.value() + " alternatives per token)" : "no: " + lp.error();
            top = caps.topLogprobsCap().map(n -> n + " (the server's limit; Lantern asks for " + n + ")")
                    .orElse(lp.isOk() ? "none met up to " + settings.topLogprobs() : "unknown");
        }
        Map<String, String> sims = new LinkedHashMap<>();
        String jsonWorks = json.isOk() ? "works (response_format " + client.responseFormat().wireName() + ")" : "no: " + json.error();
        sims.put("llm (explainer)", jsonWorks);
        sims.put("llm-json", jsonWorks);
        if (logprobs.startsWith("yes")) sims.put("llm-logprob", "works");
        else if (json.isOk() && settings.logprobFallback() && client.supportsLogprobs()) sims.put("llm-logprob", "falls back to llm-json (no log-probs)");
        else sims.put("llm-logprob", "no: " + (logprobs.startsWith("no: ") ? logprobs.substring(4) : logprobs));
        sims.put("detection (llm)", jsonWorks);
        ServerCapabilities.of(settings).restore(caps.snapshot());
        return new Report(settings.baseUrl(), settings.model(), reachable, serverModel[0], jsonSchema, jsonObject, logprobs, top,
                caps.reasoning(), usage, sims, json.isOk() ? null : json.error());
    }
}
