package lantern.service;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import lantern.api.causal.Direction;

import java.util.List;

/**
 * Named directions from examples (mean difference of the activations at a hook, each text pooled over its tokens or
 * at its last token), stored under data/directions.
 */
@Path("/api/directions")
@Produces(MediaType.APPLICATION_JSON)
public class DirectionsResource {
    @Inject
    SteeringService steering;
    @Inject
    lantern.service.access.RequestLimits limits;

    /** A direction without its vector, plus where it lives. */
    public record Summary(String name, String model, String hook, String pool, double norm, int positives, int negatives,
                          int dimensions) {
        public static Summary of(Direction d) {
            return new Summary(d.name(), d.model(), d.hook(), d.pool(), d.norm(), d.positives(), d.negatives(), d.vector().length);
        }
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Summary create(SteeringService.DirectionRequest r) {
        if (r == null) throw new lantern.errors.InvalidInputException("body must be JSON like {\"name\",\"model\",\"hook\",\"positive\":[...],\"negative\":[...],\"pool\"}");
        limits.texts(r.positive(), "positive");
        limits.texts(r.negative(), "negative");
        return Summary.of(steering.createDirection(r));
    }

    @GET
    public List<String> names() {
        return steering.directionNames();
    }

    @GET
    @Path("/{name}")
    public Direction get(@PathParam("name") String name) {
        return steering.direction(name);
    }
}
