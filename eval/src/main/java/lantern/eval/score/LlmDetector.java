package lantern.eval.score;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import lantern.api.ActivationRecord;
import lantern.explainer.explain.Explanation;
import lantern.explainer.explain.WindowText;
import lantern.llm.LlmClient;
import lantern.llm.LlmRequest;
import lantern.llm.LlmResult;
import lantern.llm.LlmUsage;
import lantern.llm.Prompts;
import lantern.llm.StrictJson;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Shows the LLM the explanation and a batch of window texts (each a JSON string, so a text cannot break the list)
 * and reads {@code {"fires": [n booleans]}} strictly. A failed batch leaves its windows unanswered (null) and its
 * reason counted in {@link Answers#failures()}.
 */
public final class LlmDetector implements Detector {
    static final JsonSchema SCHEMA = JsonSchema.builder().name("detection").rootElement(JsonObjectSchema.builder()
            .addProperty("fires", JsonArraySchema.builder().items(new JsonBooleanSchema()).build())
            .required("fires").additionalProperties(false).build()).build();
    private final LlmClient client;
    private final int batchSize;

    public LlmDetector(LlmClient client, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1");
        this.client = client;
        this.batchSize = batchSize;
    }

    public LlmDetector(LlmClient client) {
        this(client, 10);
    }

    @Override
    public String name() {
        return "llm:" + client.settings().model();
    }

    @Override
    public Answers detect(Explanation explanation, List<ActivationRecord> windows) {
        Boolean[] answers = new Boolean[windows.size()];
        LlmUsage usage = LlmUsage.NONE;
        List<String> failures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<LlmResult<List<Boolean>>>> futures = new ArrayList<>();
            for (int from = 0; from < windows.size(); from += batchSize) {
                List<ActivationRecord> batch = windows.subList(from, Math.min(windows.size(), from + batchSize));
                futures.add(pool.submit(() -> call(explanation, batch)));
            }
            for (int b = 0; b < futures.size(); b++) {
                LlmResult<List<Boolean>> r;
                int size = Math.min(windows.size(), (b + 1) * batchSize) - b * batchSize;
                try {
                    r = futures.get(b).get();
                } catch (Exception e) {
                    for (int i = 0; i < size; i++) failures.add(String.valueOf(e.getCause() == null ? e : e.getCause()));
                    continue;
                }
                usage = usage.plus(r.usage());
                if (r.isOk()) for (int i = 0; i < r.value().size(); i++) answers[b * batchSize + i] = r.value().get(i);
                else for (int i = 0; i < size; i++) failures.add(r.error());
            }
        }
        return new Answers(Arrays.asList(answers), usage, FailureReasons.count(failures));
    }

    private LlmResult<List<Boolean>> call(Explanation e, List<ActivationRecord> batch) {
        StringBuilder texts = new StringBuilder();
        JsonStringEncoder enc = JsonStringEncoder.getInstance();
        for (int i = 0; i < batch.size(); i++) {
            texts.append(i).append(": \"").append(enc.quoteAsString(WindowText.of(batch.get(i)))).append("\"\n");
        }
        String user = Prompts.render("detect-user", Map.of("explanation", Prompts.showToken(e.text()),
                "n", Integer.toString(batch.size()), "texts", texts.toString()));
        LlmRequest req = new LlmRequest(Prompts.template("detect-system"), user, SCHEMA, false);
        return client.call(req, reply -> StrictJson.boolArray(StrictJson.object(reply.text(), Set.of("fires")).get("fires"), batch.size()));
    }
}
