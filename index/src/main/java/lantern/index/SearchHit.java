package lantern.index;

import java.util.List;

/**
 * One hit. {@code match} says which side found it: "text" (BM25), "vector" (kNN) or "both"; "filter" when browsing
 * without text. {@code relevance} is the fused rank score (reciprocal-rank fusion, weighed by the explanation's
 * quality) or 0 when browsing. {@code simulationLow} is the lower end of the simulation score's 95% interval
 * (null where none was indexed).
 */
public record SearchHit(String featureId, String model, int layer, String kind, int index, String text,
                        String explainer, Double simulation, Double detection, Double embeddingScore,
                        Double causal, List<String> topTokens, long createdAt, String match, double relevance,
                        Double simulationLow) {
    public SearchHit(String featureId, String model, int layer, String kind, int index, String text, String explainer,
                     Double simulation, Double detection, Double embeddingScore, Double causal, List<String> topTokens,
                     long createdAt, String match, double relevance) {
        this(featureId, model, layer, kind, index, text, explainer, simulation, detection, embeddingScore, causal, topTokens,
                createdAt, match, relevance, null);
    }
}
