package lantern.service;

import lantern.core.ExplainFeature;
import lantern.core.ExplanationResult;
import lantern.core.ExplanationService;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import lantern.api.ActivationRecord;
import lantern.api.FeatureId;
import lantern.api.FeatureRecords;

import java.util.List;

@Path("/api/features")
@Produces(MediaType.APPLICATION_JSON)
public class FeaturesResource {
    @Inject
    FeatureRecordsService records;
    @Inject
    ExplanationService explanations;
    @Inject
    SearchService search;
    @Inject
    VocabService vocab;
    @Inject
    CausalService causal;
    @Inject
    ExplainFeature explain;

    /**
     * The explain call's body, bound strictly (unknown fields and wrong types are 400s, so a misspelt option is not
     * silently ignored). {@code causal} (default true) runs the causal check beside the scores; it takes about a
     * second. {@code windows} (optional) scores on up to that many held-out top windows and as many random windows
     * where the collection holds them (default 20 each; the score intervals narrow with more).
     */
    public record ExplainRequest(String explainer, String simulator, Boolean causal, Integer windows) {
        public ExplainRequest(String explainer, String simulator, Boolean causal) {
            this(explainer, simulator, causal, null);
        }

        boolean causalOrDefault() {
            return causal == null || causal;
        }
    }

    /** The causal call takes no options; its body may be absent or {@code {}}. */
    public record CausalRequest() {
    }

    public record Stats(float max, float mean, float fractionNonZero, List<Double> quantileLevels, float[] quantiles, long tokens) {
    }

    public record Window(List<String> tokens, float[] activations, List<String> tags) {
        static Window of(ActivationRecord r) {
            return new Window(r.tokens(), r.activations(), r.tags());
        }
    }

    public record Feature(String id, String model, int layer, String kind, int index, Stats stats, List<Window> top,
                          List<Window> random, List<List<Window>> quantiles, List<ExplanationResult> explanations,
                          VocabService.Vocab vocab) {
    }

    /** A feature's statistics and windows; the id contains slashes (minilm-l6/3/mlp/17). */
    @GET
    @Path("/{id: .+}")
    public Feature get(@PathParam("id") String id) {
        FeatureId fid = FeatureId.parse(id);
        FeatureRecords r = records.require(fid);
        var s = r.stats();
        List<Double> levels = java.util.Arrays.stream(s.quantileLevels()).boxed().toList();
        return new Feature(fid.toString(), fid.model(), fid.layer(), fid.kind(), fid.index(),
                new Stats(s.max(), s.mean(), s.fractionNonZero(), levels, s.quantiles(), s.tokens()),
                r.top().stream().map(Window::of).toList(), r.random().stream().map(Window::of).toList(),
                r.quantileBins().stream().map(bin -> bin.stream().map(Window::of).toList()).toList(),
                explanations.history(fid), vocab.of(fid));
    }

    /**
     * Explains the feature from its collected records, scores the explanation on held-out windows (and runs the
     * causal check unless {@code "causal": false}), keeps it.
     */
    @POST
    @Path("/{id: .+}/explain")
    @Consumes(MediaType.APPLICATION_JSON)
    public ExplanationResult explain(@PathParam("id") String id, ExplainRequest body) {
        ExplainRequest request = body == null ? new ExplainRequest(null, null, null) : body;
        FeatureId fid = FeatureId.parse(id);
        FeatureRecords r = records.require(fid);
        return explain.explain(r, new ExplainFeature.Options(request.explainer(), request.simulator(),
                request.causalOrDefault(), request.windows()));
    }

    /**
     * The score call's body, bound strictly: {@code {"explanation": "...", "simulator": "statistical"}}, and
     * optionally {@code "windows"} as for explain.
     */
    public record ScoreRequest(String explanation, String simulator, Integer windows) {
        public ScoreRequest(String explanation, String simulator) {
            this(explanation, simulator, null);
        }
    }

    /**
     * Scores a given explanation (someone's hypothesis) with the same scorers and keeps it in the feature's history,
     * marked "user"; it is not indexed for search.
     */
    @POST
    @Path("/{id: .+}/score")
    @Consumes(MediaType.APPLICATION_JSON)
    public ExplanationResult score(@PathParam("id") String id, ScoreRequest request) {
        if (request == null || request.explanation() == null || request.explanation().isBlank()) {
            throw new lantern.errors.InvalidInputException("explanation is missing: the body must be {\"explanation\": \"...\", \"simulator\": ...}");
        }
        FeatureRecords r = records.require(FeatureId.parse(id));
        return explanations.score(r, request.explanation(), request.simulator(), request.windows());
    }

    /**
     * Intervention check: ablate the feature; on MiniLM the effect on its top windows' embeddings vs random windows',
     * on decoders the change of the next-token distribution there.
     */
    @POST
    @Path("/{id: .+}/causal")
    public lantern.api.causal.CausalScore causal(@PathParam("id") String id, String body) {
        StrictJson.bindOptional(body, CausalRequest.class); // takes no options: any field is an unknown one
        return causal.causal(records.require(FeatureId.parse(id)));
    }
}
