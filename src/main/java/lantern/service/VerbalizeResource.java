package lantern.service;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import lantern.errors.InvalidInputException;
import lantern.eval.selfreport.Verbalize;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /api/verbalize {"model", "hook", "text" | "texts", "position"?, "pool"?}}: what a hidden state says
 * through its trained verbalizer, with the round-trip cosine (FVE over a batch of texts), the true text's token F1
 * and, for a decoder's residual stream, the identity Patchscope and logit lens scored beside it.
 */
@Path("/api/verbalize")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class VerbalizeResource {
    private static final Set<String> FIELDS = Set.of("model", "hook", "text", "texts", "position", "pool");

    @Inject
    VerbalizeService service;

    @POST
    public Verbalize.Response verbalize(JsonNode body) {
        if (body == null || !body.isObject()) throw new InvalidInputException("request body must be a JSON object");
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) throw new InvalidInputException("unknown field: " + f + " (known: " + FIELDS + ")");
        }
        List<String> texts = new ArrayList<>();
        if (body.hasNonNull("text") == body.hasNonNull("texts")) {
            throw new InvalidInputException("give \"text\" (a string) or \"texts\" (an array of strings)");
        }
        if (body.hasNonNull("text")) {
            texts.add(string(body, "text"));
        } else {
            JsonNode a = body.get("texts");
            if (!a.isArray()) throw new InvalidInputException("\"texts\" must be an array of strings");
            for (JsonNode t : a) {
                if (!t.isTextual()) throw new InvalidInputException("\"texts\" must hold strings");
                texts.add(t.asText());
            }
        }
        Integer position = null;
        if (body.hasNonNull("position")) {
            JsonNode p = body.get("position");
            if (!p.isIntegralNumber() || !p.canConvertToInt()) throw new InvalidInputException("\"position\" must be an integer");
            position = p.asInt();
        }
        return service.verbalize(string(body, "model"), string(body, "hook"), texts, position,
                body.hasNonNull("pool") ? string(body, "pool") : null);
    }

    private static String string(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) throw new InvalidInputException("\"" + field + "\" is required");
        if (!v.isTextual()) throw new InvalidInputException("\"" + field + "\" must be a string");
        return v.asText();
    }
}
