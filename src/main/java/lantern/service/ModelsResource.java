package lantern.service;

import lantern.errors.InvalidInputException;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import lantern.subject.ModelInfo;

import java.util.List;

@Path("/api/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {
    @Inject
    ModelRegistry models;
    @Inject
    ActivationService activations;
    @Inject
    lantern.service.access.RequestLimits limits;

    public record ActivationsRequest(String text, List<String> features) {
    }

    @GET
    public List<ModelInfo> list() {
        return models.list();
    }

    /**
     * With {@code features}: each feature's activation at every token (special tokens included). Without: the 10
     * strongest neurons at each token.
     */
    @POST
    @Path("/{model}/activations")
    @Consumes(MediaType.APPLICATION_JSON)
    public Object activations(@PathParam("model") String model, ActivationsRequest request) {
        if (request == null) throw new InvalidInputException("body must be JSON like {\"text\":\"...\"}");
        models.get(model);
        if (request.features() == null || request.features().isEmpty()) {
            return activations.strongest(model, request.text(), 10);
        }
        limits.features(request.features().size());
        return activations.chosen(model, request.text(), request.features());
    }
}
