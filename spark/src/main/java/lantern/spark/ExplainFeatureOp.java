package lantern.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.core.spark.ExplainTask;
import org.apache.spark.api.java.function.Function;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.function.Consumer;

/**
 * Explains and scores one feature on an executor: {@code args} is an {@link ExplainTask} request (the feature's
 * records, explainer, simulator, causal), the result the scored explanation, not kept anywhere (the app keeps and
 * indexes it once). One single-task job per feature, so features spread over whichever executors are free and a
 * task lost with its executor simply runs again elsewhere; the job answers once however often its task ran.
 */
public final class ExplainFeatureOp implements DriverOp {
    private static final ObjectMapper M = new ObjectMapper();

    @Override
    public String name() {
        return "explain-feature";
    }

    @Override
    public JsonNode run(DriverContext context, JsonNode args, Consumer<JsonNode> progress) throws Exception {
        String feature = args.path("feature").asText();
        context.spark().setJobGroup("explain " + feature, "explain and score " + feature, false);
        try {
            List<String> out = context.spark().parallelize(List.of(M.writeValueAsString(args)), 1)
                    .map(new Explain(context.dataDir().toString(), new HashMap<>(context.settings())))
                    .collect();
            return M.readTree(out.getFirst());
        } finally {
            context.spark().clearJobGroup();
        }
    }

    /** The executor's side: {@link ExplainTask#run} with this JVM's services. */
    static final class Explain implements Function<String, String> {
        private final String dataDir;
        private final HashMap<String, String> settings;

        Explain(String dataDir, HashMap<String, String> settings) {
            this.dataDir = dataDir;
            this.settings = settings;
        }

        @Override
        public String call(String request) throws Exception {
            return ExplainTask.run(request, Path.of(dataDir), settings);
        }
    }
}
