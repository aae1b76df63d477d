package lantern.service.web;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import lantern.service.FeatureRecordsService;

import java.util.List;

/** {@code GET /api/collections}: the activation collections on disk (the viewer's home page lists them). */
@Path("/api/collections")
@Produces(MediaType.APPLICATION_JSON)
public class CollectionsResource {
    @Inject
    FeatureRecordsService records;

    /** One collection: model, name, corpus, kind (mlp or an SAE kind), layers, tokens, width, created. */
    public record Collection(String model, String name, String corpus, String kind, List<Integer> layers, long tokens,
                             int width, String created) {
    }

    @GET
    public List<Collection> list() {
        return records.collections().stream()
                .map(m -> new Collection(m.model(), m.name(), m.corpus(), m.kind() == null ? "mlp" : m.kind(),
                        m.layers(), m.tokens(), m.width(), m.created()))
                .toList();
    }
}
