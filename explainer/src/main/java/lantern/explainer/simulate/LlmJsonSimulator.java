package lantern.explainer.simulate;

import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import lantern.api.ActivationRecord;
import lantern.explainer.explain.Explanation;
import lantern.llm.LlmClient;
import lantern.llm.LlmRequest;
import lantern.llm.LlmResult;
import lantern.llm.Prompts;
import lantern.llm.StrictJson;

import java.util.Set;

/**
 * The LLM answers {@code {"activations": [n integers 0..10]}}; a wrong shape, length or range is rejected and
 * retried, then reported as a failed simulation (never zeros).
 */
public final class LlmJsonSimulator implements Simulator {
    static final JsonSchema SCHEMA = JsonSchema.builder().name("activations").rootElement(JsonObjectSchema.builder()
            .addProperty("activations", JsonArraySchema.builder().items(JsonIntegerSchema.builder().build()).build())
            .required("activations").additionalProperties(false).build()).build();

    private final LlmClient client;

    public LlmJsonSimulator(LlmClient client) {
        this.client = client;
    }

    @Override
    public String name() {
        return "llm-json:" + client.settings().model();
    }

    @Override
    public Simulation simulate(Explanation explanation, ActivationRecord window) {
        LlmRequest req = new LlmRequest(Prompts.template("simulate-system"),
                SimulationPrompt.user("simulate-json-user", explanation, window), SCHEMA, false);
        int n = window.size();
        LlmResult<int[]> r = client.call(req, reply ->
                StrictJson.intArray(StrictJson.object(reply.text(), Set.of("activations")).get("activations"), n, 0, 10));
        if (!r.isOk()) return Simulation.failed(r.error(), r.usage());
        double[] p = new double[n];
        for (int i = 0; i < n; i++) p[i] = r.value()[i];
        return Simulation.of(p, r.usage());
    }
}
