package lantern.service;

import lantern.errors.InvalidInputException;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import lantern.eval.causal.GenerationSteering;
import lantern.eval.causal.Steering;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * Runs a prompt with and without interventions (add/ablate a direction, ablate a neuron, clamp an SAE feature).
 * A decoder generates both continuations (same sampling, same seed) side by side; an encoder answers the cosine
 * between the two sentence embeddings and the nearest candidate texts in both cases.
 */
@Path("/api/steer")
@Produces(MediaType.APPLICATION_JSON)
public class SteerResource {
    @Inject
    SteeringService steering;
    @Inject
    lantern.service.access.RequestLimits limits;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "200", description = "decoders: two continuations; encoders: embedding comparison",
            content = @Content(schema = @Schema(oneOf = {lantern.api.causal.GenerationSteeringResult.class, lantern.api.causal.SteeringResult.class})))
    public Object steer(SteeringService.SteerRequest r) {
        if (r == null) throw new InvalidInputException("body must be JSON like {\"model\",\"prompt\",\"interventions\":[...]}");
        limits.texts(r.candidates(), "candidates");
        limits.texts(r.interventions(), "interventions");
        if (r.maxTokens() != null) limits.generationTokens(r.maxTokens());
        return steering.steer(r);
    }
}
