package lantern.service;

import lantern.errors.BadRequestException;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import lantern.eval.causal.InterventionSpec;
import lantern.eval.causal.Steering;

import java.util.List;

/**
 * Runs a prompt with and without interventions (add/ablate a direction, ablate a neuron, clamp an SAE feature).
 * For an encoder: the cosine between the two sentence embeddings and the nearest candidate texts in both cases.
 */
@Path("/api/steer")
@Produces(MediaType.APPLICATION_JSON)
public class SteerResource {
    @Inject
    SteeringService steering;
    @Inject
    lantern.service.access.RequestLimits limits;

    public record SteerRequest(String model, String prompt, List<InterventionSpec> interventions, List<String> candidates,
                               Integer top) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Steering.Result steer(SteerRequest r) {
        if (r == null) throw new BadRequestException("body must be JSON like {\"model\",\"prompt\",\"interventions\":[...],\"candidates\":[...]}");
        int top = r.top() == null ? 5 : r.top();
        if (top < 1 || top > 100) throw new BadRequestException("top must be in 1..100");
        limits.texts(r.candidates(), "candidates");
        limits.texts(r.interventions(), "interventions");
        return steering.steer(r.model(), r.prompt(), r.interventions(), r.candidates(), top);
    }
}
