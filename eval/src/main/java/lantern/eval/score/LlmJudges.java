package lantern.eval.score;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import lantern.api.ActivationRecord;
import lantern.explainer.explain.Explanation;
import lantern.explainer.explain.WindowText;
import lantern.llm.LlmClient;
import lantern.llm.LlmRequest;
import lantern.llm.LlmResult;
import lantern.llm.LlmUsage;
import lantern.llm.MalformedAnswerException;
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
 * The LLM backends of the fuzzing and intruder scorers. Window texts go into the prompt as JSON strings (a text
 * cannot break the list); answers are read strictly ({@code {"correct": [n booleans]}}, {@code {"intruder": i}}), a
 * failed call leaves its examples unanswered (null), never guessed.
 */
public final class LlmJudges {
    static final JsonSchema FUZZ_SCHEMA = JsonSchema.builder().name("fuzzing").rootElement(JsonObjectSchema.builder()
            .addProperty("correct", JsonArraySchema.builder().items(new JsonBooleanSchema()).build())
            .required("correct").additionalProperties(false).build()).build();
    static final JsonSchema INTRUDER_SCHEMA = JsonSchema.builder().name("intruder").rootElement(JsonObjectSchema.builder()
            .addProperty("intruder", JsonIntegerSchema.builder().build())
            .required("intruder").additionalProperties(false).build()).build();
    private static final int BATCH = 10;

    private LlmJudges() {
    }

    /** A window's text with the marked tokens in [[double brackets]]; brackets inside tokens are spaced apart. */
    static String highlighted(ActivationRecord w, boolean[] marked) {
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < w.size(); i++) {
            String t = w.tokens().get(i).replace("[[", "[ [").replace("]]", "] ]");
            shown.add(marked[i] ? (t.startsWith("##") ? "##[[" + t.substring(2) + "]]" : "[[" + t + "]]") : t);
        }
        return WindowText.of(new ActivationRecord(shown, w.activations()));
    }

    private static String quoted(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    public static final class Fuzzing implements FuzzingScorer.Judge {
        private final LlmClient client;

        public Fuzzing(LlmClient client) {
            this.client = client;
        }

        @Override
        public String name() {
            return "llm:" + client.settings().model();
        }

        @Override
        public Answers judge(Explanation explanation, List<FuzzingScorer.Example> examples) {
            Boolean[] out = new Boolean[examples.size()];
            LlmUsage usage = LlmUsage.NONE;
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<LlmResult<List<Boolean>>>> fs = new ArrayList<>();
                for (int from = 0; from < examples.size(); from += BATCH) {
                    List<FuzzingScorer.Example> batch = examples.subList(from, Math.min(examples.size(), from + BATCH));
                    fs.add(pool.submit(() -> call(explanation, batch)));
                }
                for (int b = 0; b < fs.size(); b++) {
                    LlmResult<List<Boolean>> r = join(fs.get(b));
                    if (r == null) continue;
                    usage = usage.plus(r.usage());
                    if (r.isOk()) for (int i = 0; i < r.value().size(); i++) out[b * BATCH + i] = r.value().get(i);
                }
            }
            return new Answers(Arrays.asList(out), usage);
        }

        private LlmResult<List<Boolean>> call(Explanation e, List<FuzzingScorer.Example> batch) {
            StringBuilder texts = new StringBuilder();
            for (int i = 0; i < batch.size(); i++) {
                texts.append(i).append(": ").append(quoted(highlighted(batch.get(i).window(), batch.get(i).marked()))).append('\n');
            }
            String user = Prompts.render("fuzz-user", Map.of("explanation", Prompts.showToken(e.text()),
                    "n", Integer.toString(batch.size()), "texts", texts.toString()));
            LlmRequest req = new LlmRequest(Prompts.template("fuzz-system"), user, FUZZ_SCHEMA, false);
            return client.call(req, reply -> StrictJson.boolArray(StrictJson.object(reply.text(), Set.of("correct")).get("correct"), batch.size()));
        }
    }

    public static final class Intruder implements IntruderScorer.Judge {
        private final LlmClient client;

        public Intruder(LlmClient client) {
            this.client = client;
        }

        @Override
        public String name() {
            return "llm:" + client.settings().model();
        }

        @Override
        public Answers judge(Explanation explanation, List<IntruderScorer.Group> groups) {
            Integer[] out = new Integer[groups.size()];
            LlmUsage usage = LlmUsage.NONE;
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<LlmResult<Integer>>> fs = new ArrayList<>();
                for (IntruderScorer.Group g : groups) fs.add(pool.submit(() -> call(explanation, g)));
                for (int i = 0; i < fs.size(); i++) {
                    LlmResult<Integer> r = join(fs.get(i));
                    if (r == null) continue;
                    usage = usage.plus(r.usage());
                    if (r.isOk()) out[i] = r.value();
                }
            }
            return new Answers(Arrays.asList(out), usage);
        }

        private LlmResult<Integer> call(Explanation e, IntruderScorer.Group g) {
            StringBuilder texts = new StringBuilder();
            for (int i = 0; i < g.windows().size(); i++) texts.append(i).append(": ").append(quoted(WindowText.of(g.windows().get(i)))).append('\n');
            int n = g.windows().size();
            String user = Prompts.render("intruder-user", Map.of("explanation", Prompts.showToken(e.text()),
                    "n", Integer.toString(n), "last", Integer.toString(n - 1), "texts", texts.toString()));
            LlmRequest req = new LlmRequest(Prompts.template("intruder-system"), user, INTRUDER_SCHEMA, false);
            return client.call(req, reply -> {
                var v = StrictJson.object(reply.text(), Set.of("intruder")).get("intruder");
                if (!v.isIntegralNumber() || v.intValue() < 0 || v.intValue() >= n) {
                    throw new MalformedAnswerException("intruder must be an integer 0.." + (n - 1) + ": " + v);
                }
                return v.intValue();
            });
        }
    }

    private static <T> LlmResult<T> join(Future<LlmResult<T>> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }
}
