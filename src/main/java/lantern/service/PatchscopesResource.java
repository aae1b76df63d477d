package lantern.service;

import lantern.errors.InvalidInputException;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import lantern.api.lens.AffineMapping;
import lantern.api.lens.LayerSweepResult;
import lantern.api.lens.PatchRequest;
import lantern.api.lens.PatchscopeResult;
import lantern.api.lens.SweepRequest;
import lantern.core.Lenses;
import lantern.core.ModelSource;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /api/patchscopes}: patch a source hidden state into a target prompt and generate;
 * {@code POST /api/patchscopes/sweep}: precision@1 per layer against the logit lens. Bodies are read field by field
 * so a malformed one gets a message naming the field; both call {@link Lenses}, as {@code lantern patchscope} does.
 */
@Path("/api/patchscopes")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class PatchscopesResource {
    @Inject
    ModelRegistry models;
    @Inject
    lantern.service.access.RequestLimits limits;

    private Lenses lenses() {
        return new Lenses(ModelSource.held(models.loaded()));
    }

    @POST
    public PatchscopeResult patch(JsonNode body) {
        requireObject(body, "request body");
        String modelId = text(body, "model", null);
        JsonNode src = body.get("source");
        requireObject(src, "\"source\"");
        JsonNode tgt = body.path("target");
        only(body, "request body", "model", "source", "target", "preset", "mapping", "maxTokens", "temperature", "patchEveryStep", "seed");
        only(src, "\"source\"", "prompt", "layer", "position");
        if (!tgt.isMissingNode() && !tgt.isNull()) {
            requireObject(tgt, "\"target\"");
            only(tgt, "\"target\"", "model", "prompt", "layer", "position");
        }
        bool(body, "patchEveryStep");
        Integer maxTokens = optInteger(body, "maxTokens");
        if (maxTokens != null) limits.generationTokens(maxTokens);
        return lenses().patch(new PatchRequest(modelId, tgt.hasNonNull("model") ? text(tgt, "model", null) : null,
                text(body, "preset", null),
                text(src, "prompt", null), integer(src, "layer", null), optInteger(src, "position"),
                text(tgt, "prompt", null), optInteger(tgt, "layer"), optInteger(tgt, "position"),
                mapping(body.get("mapping")), maxTokens,
                body.hasNonNull("temperature") ? (float) number(body, "temperature", 0) : null,
                body.path("patchEveryStep").asBoolean(false), (long) number(body, "seed", 0)));
    }

    @POST
    @Path("/sweep")
    public LayerSweepResult sweep(JsonNode body) {
        requireObject(body, "request body");
        only(body, "request body", "model", "prompt", "preset", "targetPrompt", "targetPosition", "positions", "grid");
        bool(body, "grid");
        String model = text(body, "model", null);
        List<Integer> positions = null;
        JsonNode ps = body.get("positions");
        if (ps != null && !ps.isNull()) {
            if (!ps.isArray()) throw new lantern.errors.InvalidInputException("\"positions\" must be an array of integers");
            positions = new ArrayList<>();
            for (JsonNode p : ps) {
                if (!p.canConvertToInt()) throw new InvalidInputException("\"positions\" must hold integers");
                positions.add(p.asInt());
            }
        }
        return lenses().sweep(new SweepRequest(model, text(body, "preset", null), text(body, "prompt", null),
                text(body, "targetPrompt", null), optInteger(body, "targetPosition"), positions,
                body.path("grid").asBoolean(false)));
    }

    /** The mapping field: null for identity, else the affine map (checked by the use case). */
    static AffineMapping mapping(JsonNode m) {
        if (m == null || m.isNull() || (m.isTextual() && m.asText().equals("identity"))) {
            return null;
        }
        JsonNode a = m.get("affine");
        if (!m.isObject() || a == null || !a.isObject() || !a.path("weight").isArray()) {
            throw new InvalidInputException("\"mapping\" must be \"identity\" or {\"affine\": {\"weight\": [[..]], "
                    + "\"bias\": [..]}}");
        }
        JsonNode w = a.get("weight");
        float[][] weight = new float[w.size()][];
        for (int i = 0; i < w.size(); i++) weight[i] = floats(w.get(i), "mapping.affine.weight row " + i);
        float[] bias = a.hasNonNull("bias") ? floats(a.get("bias"), "mapping.affine.bias") : null;
        return new AffineMapping(weight, bias);
    }

    private static float[] floats(JsonNode n, String what) {
        if (n == null || !n.isArray()) throw new InvalidInputException(what + " must be an array of numbers");
        float[] out = new float[n.size()];
        for (int i = 0; i < out.length; i++) {
            if (!n.get(i).isNumber()) throw new InvalidInputException(what + " must hold only numbers");
            out[i] = n.get(i).floatValue();
        }
        return out;
    }

    /** Unknown fields are errors, as in every other body (a misspelt option is not silently ignored). */
    private static void only(JsonNode n, String what, String... fields) {
        java.util.Set<String> known = java.util.Set.of(fields);
        for (var it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) throw new InvalidInputException("unknown field in " + what + ": " + f + " (known: " + String.join(", ", fields) + ")");
        }
    }

    private static void bool(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v != null && !v.isNull() && !v.isBoolean()) throw new InvalidInputException("\"" + field + "\" must be true or false");
    }

    private static void requireObject(JsonNode n, String what) {
        if (n == null || !n.isObject()) throw new InvalidInputException(what + " must be a JSON object");
    }

    private static String text(JsonNode n, String field, String fallback) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return fallback;
        if (!v.isTextual()) throw new InvalidInputException("\"" + field + "\" must be a string");
        return v.asText();
    }

    private static int integer(JsonNode n, String field, Integer fallback) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (fallback == null) throw new InvalidInputException("\"" + field + "\" is required");
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new InvalidInputException("\"" + field + "\" must be an integer");
        }
        return v.asInt();
    }

    private static Integer optInteger(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : integer(n, field, null);
    }

    private static double number(JsonNode n, String field, double fallback) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return fallback;
        if (!v.isNumber()) throw new InvalidInputException("\"" + field + "\" must be a number");
        return v.asDouble();
    }
}
