package lantern.index;

import java.util.List;

/**
 * One hit. {@code match} says which side found it: "text" (BM25), "vector" (kNN) or "both"; "filter" when browsing
 * without text. {@code relevance} is the fused rank score (reciprocal-rank fusion, weighed by the explanation's
 * quality) or 0 when browsing. {@code simulationLow} is the lower end of the simulation score's 95% interval
 * (null where none was indexed); {@code intervals} the 95% intervals of every score ({@link Intervals#NONE} for
 * documents indexed before the index kept them: those hold at most {@code simulationLow}).
 */
public record SearchHit(String featureId, String model, int layer, String kind, int index, String text,
                        String explainer, Double simulation, Double detection, Double embeddingScore,
                        Double causal, List<String> topTokens, long createdAt, String match, double relevance,
                        Double simulationLow, Intervals intervals) {
    public SearchHit {
        if (intervals == null) intervals = Intervals.NONE;
    }

    public SearchHit(String featureId, String model, int layer, String kind, int index, String text, String explainer,
                     Double simulation, Double detection, Double embeddingScore, Double causal, List<String> topTokens,
                     long createdAt, String match, double relevance, Double simulationLow) {
        this(featureId, model, layer, kind, index, text, explainer, simulation, detection, embeddingScore, causal, topTokens,
                createdAt, match, relevance, simulationLow, null);
    }

    public SearchHit(String featureId, String model, int layer, String kind, int index, String text, String explainer,
                     Double simulation, Double detection, Double embeddingScore, Double causal, List<String> topTokens,
                     long createdAt, String match, double relevance) {
        this(featureId, model, layer, kind, index, text, explainer, simulation, detection, embeddingScore, causal, topTokens,
                createdAt, match, relevance, null, null);
    }
}
