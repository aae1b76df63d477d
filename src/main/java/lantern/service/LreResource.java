package lantern.service;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import lantern.api.lre.LreOptions;
import lantern.api.lre.LreResult;
import lantern.core.ModelSource;
import lantern.core.RelationFitting;
import lantern.errors.InvalidInputException;

import java.util.List;

/**
 * {@code POST /api/lre}: a linear relational embedding of a registered decoder for a relation given inline
 * ({@code "relation"}: {@code {"prompt_templates", "samples"}}) or by a shipped name ({@code "relationName"});
 * {@code GET /api/lre/relations}: the shipped relation names.
 */
@Path("/api/lre")
@Produces(MediaType.APPLICATION_JSON)
public class LreResource {
    public record LreRequest(String model, JsonNode relation, String relationName, Integer layer, Double beta,
                             Integer train, Integer rank, Long seed) {
    }

    @Inject
    ModelRegistry models;

    @GET
    @Path("/relations")
    public List<String> relations() {
        return RelationFitting.RELATIONS;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public LreResult run(LreRequest r) {
        if (r == null) throw new InvalidInputException("request body is required");
        lantern.core.ShippedOrInline source = RelationFitting.source(r.relation(), r.relationName());
        if (r.layer() == null) throw new InvalidInputException("\"layer\" is required");
        return new RelationFitting(ModelSource.held(models.loaded())).run(r.model(), source,
                new LreOptions(r.layer(), r.beta(), r.train(), r.rank(), r.seed() == null ? 0 : r.seed()), null);
    }
}
