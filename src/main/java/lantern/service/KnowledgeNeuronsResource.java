package lantern.service;

import lantern.core.LanternConfig;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import lantern.errors.InvalidInputException;
import lantern.collect.ActivationStore;
import lantern.api.Manifest;
import lantern.api.knowledge.KnowledgeRequest;
import lantern.api.knowledge.KnowledgeResult;
import lantern.core.KnowledgeNeuronSearch;
import lantern.core.ModelSource;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code POST /api/knowledge-neurons}: the MLP neurons whose integrated gradients carry a fact's target token
 * (Dai et al. 2022), with the effect of suppressing and amplifying them next to random neurons of the same layers.
 * The answer also lists the layers of the model whose MLP neurons are collected, so clients link those neurons to
 * their feature pages.
 */
@Path("/api/knowledge-neurons")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class KnowledgeNeuronsResource {
    /** Defaults: steps 20, threshold 0.3, share 0.5, seed 0. */
    public record Request(String model, List<String> prompts, String target, Integer steps, Double threshold,
                          Double share, Long seed) {
    }

    /** @param collectedLayers layers whose {@code mlp} features have collected records (feature pages) */
    public record Response(KnowledgeResult result, Set<Integer> collectedLayers) {
    }

    @Inject
    ModelRegistry models;

    @Inject
    LanternConfig config;

    @Inject
    lantern.service.access.RequestLimits limits;

    @POST
    public Response find(Request r) {
        if (r == null) throw new InvalidInputException("request body is required");
        limits.texts(r.prompts(), "prompts");
        KnowledgeRequest kr = new KnowledgeRequest(r.prompts(), r.target(), r.steps() == null ? 20 : r.steps(),
                r.threshold() == null ? 0.3 : r.threshold(), r.share() == null ? 0.5 : r.share(),
                r.seed() == null ? 0 : r.seed());
        KnowledgeResult result = new KnowledgeNeuronSearch(ModelSource.held(models.loaded())).find(r.model(), kr, null);
        return new Response(result, collectedLayers(result.model()));
    }

    private Set<Integer> collectedLayers(String model) {
        Set<Integer> layers = new TreeSet<>();
        for (Manifest m : ActivationStore.list(config.dataDir())) {
            if (m.model().equals(model) && m.kind().equals("mlp")) layers.addAll(m.layers());
        }
        return layers;
    }
}
