package lantern.service;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import lantern.errors.InvalidInputException;
import lantern.subject.icl.Shipped;
import lantern.subject.lre.LreResult;
import lantern.subject.lre.Relation;
import lantern.subject.lre.RelationalEmbedding;

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
    DecoderModelCache models;

    @GET
    @Path("/relations")
    public List<String> relations() {
        return Shipped.RELATIONS;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public LreResult run(LreRequest r) {
        if (r == null) throw new InvalidInputException("request body is required");
        Relation relation;
        if (r.relation() != null && !r.relation().isNull()) {
            if (r.relationName() != null) throw new InvalidInputException("give \"relation\" or \"relationName\", not both");
            relation = Relation.parse(r.relation(), "relation");
        } else if (r.relationName() != null) {
            relation = Shipped.shippedRelation(r.relationName());
        } else {
            throw new InvalidInputException("\"relation\" ({\"prompt_templates\", \"samples\"}) or \"relationName\" is required");
        }
        if (r.layer() == null) throw new InvalidInputException("\"layer\" is required");
        return RelationalEmbedding.run(models.get(r.model()), relation, new RelationalEmbedding.Options(r.layer(),
                r.beta(), r.train(), r.rank(), r.seed() == null ? 0 : r.seed()), s -> { });
    }
}
