package lantern.service;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import lantern.eval.causal.Direction;

import java.util.List;

/** Named directions from examples (mean difference of mean-pooled activations), stored under data/directions. */
@Path("/api/directions")
@Produces(MediaType.APPLICATION_JSON)
public class DirectionsResource {
    @Inject
    SteeringService steering;
    @Inject
    lantern.service.access.RequestLimits limits;

    public record CreateRequest(String name, String model, String hook, List<String> positive, List<String> negative) {
    }

    /** A direction without its vector, plus where it lives. */
    public record Summary(String name, String model, String hook, double norm, int positives, int negatives, int dimensions) {
        static Summary of(Direction d) {
            return new Summary(d.name(), d.model(), d.hook(), d.norm(), d.positives(), d.negatives(), d.vector().length);
        }
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Summary create(CreateRequest r) {
        if (r == null) throw new lantern.errors.BadRequestException("body must be JSON like {\"name\",\"model\",\"hook\",\"positive\":[...],\"negative\":[...]}");
        limits.texts(r.positive(), "positive");
        limits.texts(r.negative(), "negative");
        return Summary.of(steering.createDirection(r.name(), r.model(), r.hook(), r.positive(), r.negative()));
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
