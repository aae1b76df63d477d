package lantern.api.graphs;

import java.util.List;

/** What building a graph answers with: its id, sizes before and after pruning, scores, target logits, top path. */
public record GraphSummary(String id, String model, String transcoders, String prompt, List<String> tokens,
                           int activeFeatures, int featureNodes, int prunedNodes, long prunedEdges,
                           double replacementScore, double completenessScore, List<String> targetTokens,
                           float[] targetProbabilities, List<String> topPath, double seconds) {
}
