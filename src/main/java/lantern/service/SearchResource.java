package lantern.service;

import lantern.errors.InvalidInputException;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import lantern.index.FeatureActivation;
import lantern.index.FeatureActivationFinder;
import lantern.index.SearchHit;
import lantern.index.SearchQuery;
import lantern.index.SearchResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Search over feature explanations: full text + MiniLM vectors (fused), filters, paging, layer facets. */
@Path("/api/search")
@Produces(MediaType.APPLICATION_JSON)
public class SearchResource {
    @Inject
    SearchService search;
    @Inject
    Instance<FeatureActivationFinder> finders;

    /**
     * One hit; {@code score} is the explanation's simulation score, {@code causal} the feature's causal selectivity
     * (null when not measured), {@code relevance} the fused rank score weighed by quality, {@code scoreLow} the lower
     * end of the simulation score's 95% interval (null for explanations indexed before intervals), {@code scores}
     * every score with its interval in the shape of {@code /api/features/{id}}.
     */
    public record Hit(String feature, String text, Double score, int layer, String kind, int index, String model,
                      String explainer, String match, double relevance, Double detection, Double embeddingScore,
                      Double causal, List<String> topTokens, Double scoreLow, HitScores scores) {
        static Hit of(SearchHit h) {
            lantern.index.Intervals i = h.intervals();
            return new Hit(h.featureId(), h.text(), h.simulation(), h.layer(), h.kind(), h.index(), h.model(),
                    h.explainer(), h.match(), h.relevance(), h.detection(), h.embeddingScore(), h.causal(), h.topTokens(),
                    h.simulationLow(), new HitScores(HitScore.of(h.simulation(), i.simulation()), HitScore.of(h.detection(), i.detection()),
                            HitScore.of(h.embeddingScore(), i.embedding()), HitScore.of(h.causal(), i.causal())));
        }
    }

    /** A hit's scores; a member is null when that score was not measured. */
    public record HitScores(HitScore simulation, HitScore detection, HitScore embedding, HitScore causal) {
    }

    /**
     * A score and its 95% interval {@code [lo, hi]} over {@code n} units; {@code ci95} and {@code n} are null for
     * explanations indexed before the index kept intervals ({@code lantern index rebuild} adds them).
     */
    public record HitScore(double value, List<Double> ci95, Integer n) {
        static HitScore of(Double value, lantern.index.Intervals.Bounds b) {
            if (value == null) return null;
            return new HitScore(value, b == null ? null : List.of(b.lo(), b.hi()), b == null ? null : b.n());
        }
    }

    public record SearchResponse(List<Hit> hits, long total, Map<String, Map<String, Long>> facets) {
    }

    /** A feature that fires on the text, joined with its best explanation (null fields when it has none). */
    public record ActivationHit(String feature, double activation, String token, String text, Double score,
                                String explainer) {
    }

    public record ActivationResponse(String model, String text, List<ActivationHit> hits) {
    }

    @GET
    public SearchResponse search(@QueryParam("q") String q, @QueryParam("model") String model,
                            @QueryParam("layer") String layer, @QueryParam("kind") String kind,
                            @QueryParam("explainer") String explainer, @QueryParam("minScore") String minScore,
                            @QueryParam("minCausal") String minCausal, @QueryParam("minScoreLow") String minScoreLow,
                            @QueryParam("limit") @DefaultValue("20") String limit,
                            @QueryParam("offset") @DefaultValue("0") String offset) {
        SearchQuery query = new SearchQuery(q, model, optInt(layer, "layer"), kind, explainer,
                optDouble(minScore, "minScore"), optDouble(minCausal, "minCausal"), integer(offset, "offset"),
                integer(limit, "limit")).withMinScoreLow(optDouble(minScoreLow, "minScoreLow"));
        SearchResult r = search.search(query);
        Map<String, Long> layers = new LinkedHashMap<>();
        r.layerFacets().forEach((l, n) -> layers.put(String.valueOf(l), n));
        return new SearchResponse(r.hits().stream().map(Hit::of).toList(), r.total(), Map.of("layer", layers));
    }

    /**
     * "Search by inference": the features that fire most on the text, with their explanations. {@code kind} mlp
     * (default) ranks neurons (of {@code layer}, or of all layers); an SAE kind ranks that SAE's features at
     * {@code layer}.
     */
    @GET
    @Path("/by-text")
    public ActivationResponse byText(@QueryParam("text") String text, @QueryParam("model") @DefaultValue("minilm-l6") String model,
                                     @QueryParam("kind") @DefaultValue("mlp") String kind, @QueryParam("layer") String layer,
                                     @QueryParam("limit") @DefaultValue("20") String limit) {
        if (text == null || text.isBlank()) throw new InvalidInputException("text is required");
        if (text.length() > 5000) throw new InvalidInputException("text is longer than 5000 characters");
        int n = integer(limit, "limit");
        if (n < 1 || n > 100) throw new InvalidInputException("limit must lie in [1, 100]: " + n);
        if (!finders.isResolvable()) {
            throw new lantern.errors.UnavailableException("search by inference is not available: no FeatureActivationFinder");
        }
        List<FeatureActivation> fired = finders.get().find(model, kind, optInt(layer, "layer"), text, n);
        Map<String, SearchHit> explained = search.index().explanationsFor(fired.stream().map(FeatureActivation::featureId).toList());
        List<ActivationHit> hits = new ArrayList<>();
        for (FeatureActivation a : fired) {
            SearchHit h = explained.get(a.featureId());
            hits.add(new ActivationHit(a.featureId(), a.activation(), a.token(), h == null ? null : h.text(),
                    h == null ? null : h.simulation(), h == null ? null : h.explainer()));
        }
        return new ActivationResponse(model, text, hits);
    }

    static int integer(String s, String name) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException | NullPointerException e) {
            throw new InvalidInputException(name + " must be an integer: " + s);
        }
    }

    static Integer optInt(String s, String name) {
        return s == null || s.isBlank() ? null : integer(s, name);
    }

    static Double optDouble(String s, String name) {
        if (s == null || s.isBlank()) return null;
        try {
            return Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
            throw new InvalidInputException(name + " must be a number: " + s);
        }
    }
}
