package lantern.index;

import java.util.List;

/**
 * One hit. {@code match} says which side found it: "text" (BM25), "vector" (kNN) or "both"; "filter" when browsing
 * without text. {@code relevance} is the fused rank score (reciprocal-rank fusion) or 0 when browsing.
 */
public record SearchHit(String featureId, String model, int layer, String kind, int index, String text,
                        String explainer, Double simulation, Double detection, Double embeddingScore,
                        Double causal, List<String> topTokens, long createdAt, String match, double relevance) {
}
