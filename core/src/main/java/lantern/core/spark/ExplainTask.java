package lantern.core.spark;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import lantern.api.FeatureRecords;
import lantern.core.ExplanationResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * One feature's explain-and-score as it travels to a Spark executor and back, in JSON: the request carries the
 * feature's records (shipped from the app: workers need no collection of their own), the explainer, the simulator
 * and whether to run the causal check; the answer is the scored {@link ExplanationResult}, not yet kept. Both sides
 * use this class, so the format has one definition. {@code windows} (null: the default split) is the audit's. JSON keeps every float exactly (shortest round-trip form).
 */
public final class ExplainTask {
    private static final ObjectMapper M = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ExplainTask() {
    }

    public static ObjectNode request(FeatureRecords records, String explainer, String simulator, boolean causal,
                                     Integer windows) {
        ObjectNode r = M.createObjectNode().put("explainer", explainer).put("simulator", simulator).put("causal", causal)
                .put("windows", windows);
        r.put("feature", records.id().toString());
        r.set("records", M.valueToTree(records));
        return r;
    }

    /** Runs a request on this JVM's executor services; returns the result as JSON text. */
    public static String run(String requestJson, Path dataDir, Map<String, String> settings) throws InterruptedException {
        try {
            JsonNode r = M.readTree(requestJson);
            FeatureRecords records = records(r);
            JsonNode w = r.get("windows");
            ExplanationResult e = ExecutorServices.of(dataDir, settings).explain(records, text(r, "explainer"), text(r, "simulator"),
                    r.path("causal").asBoolean(false), w == null || w.isNull() ? null : w.asInt());
            return M.writeValueAsString(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ExplanationResult result(JsonNode json) {
        try {
            return M.treeToValue(json, ExplanationResult.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable result from the Spark driver", e);
        }
    }

    public static FeatureRecords records(JsonNode request) {
        try {
            return M.treeToValue(request.get("records"), FeatureRecords.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
