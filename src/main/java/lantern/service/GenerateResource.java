package lantern.service;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import lantern.api.generate.GenerateRequest;
import lantern.api.generate.GenerationResult;
import lantern.core.ModelSource;
import lantern.core.TextGeneration;

/**
 * {@code POST /api/generate}: continues a prompt with a registered decoder; with {@code dola} ("high", "low" or
 * "0,2,4") by DoLa, naming each token's premature layer. Without it, ordinary generation.
 */
@Path("/api/generate")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class GenerateResource {
    @Inject
    ModelRegistry models;
    @Inject
    lantern.service.access.RequestLimits limits;

    @POST
    public GenerationResult generate(GenerateRequest r) {
        if (r != null && r.maxTokens() != null) limits.generationTokens(r.maxTokens());
        return new TextGeneration(ModelSource.held(models.loaded())).generate(r);
    }
}
