package lantern.service;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import lantern.api.lens.LensRequest;
import lantern.api.lens.LensResult;
import lantern.core.Lenses;
import lantern.core.ModelSource;

/** {@code POST /api/lens}: the logit lens of a decoder at one position of a prompt ({@link Lenses#lens}). */
@Path("/api/lens")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class LensResource {
    @Inject
    ModelRegistry models;

    @POST
    public LensResult lens(LensRequest request) {
        return new Lenses(ModelSource.held(models.loaded())).lens(request);
    }
}
