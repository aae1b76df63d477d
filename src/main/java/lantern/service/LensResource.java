package lantern.service;

import lantern.errors.InvalidInputException;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import lantern.subject.lens.LensResult;
import lantern.subject.lens.LogitLens;

/** {@code POST /api/lens}: the logit lens of a decoder at one position of a prompt. */
@Path("/api/lens")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class LensResource {
    /** {@code position} counts from the end when negative (default -1); {@code k} defaults to 5. */
    public record LensRequest(String model, String prompt, Integer position, Integer k) {
    }

    @Inject
    DecoderModelCache models;

    @POST
    public LensResult lens(LensRequest request) {
        if (request == null) throw new InvalidInputException("request body is required");
        if (request.prompt() == null || request.prompt().isEmpty()) {
            throw new InvalidInputException("\"prompt\" is required");
        }
        return LogitLens.run(models.get(request.model()), request.prompt(),
                request.position() == null ? -1 : request.position(), request.k() == null ? 5 : request.k());
    }
}
