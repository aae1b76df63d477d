package lantern.service;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import lantern.api.heads.HeadRolesRequest;
import lantern.api.heads.HeadRolesResult;
import lantern.core.HeadRoleScan;
import lantern.core.ModelSource;

/**
 * {@code POST /api/models/{model}/heads}: every attention head's previous-token, duplicate-token and induction score
 * on random tokens repeated once, and (decoders) the loss change when it is ablated. The body may be empty or name
 * {@code seed}, {@code length}, {@code batch}, {@code tokens} (the first copy's ids) and {@code ablation}.
 */
@Path("/api/models/{model}/heads")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class HeadsResource {
    @Inject
    ModelRegistry models;

    @POST
    public HeadRolesResult heads(@PathParam("model") String model, HeadRolesRequest request) {
        return new HeadRoleScan(ModelSource.held(models.loaded())).run(model, request, null);
    }
}
