package lantern.api.graphs;

/**
 * One feature node zeroed: the top logit's change the graph predicts (its direct edge; along every path) and the
 * change a forward pass with the node zeroed measures.
 *
 * @param node    {@code {layer}_{index}_{pos}}
 * @param feature {@code {model}/{layer}/{kind}/{index}}
 * @param clerp   the feature's explanation, "" when it has none
 */
public record NodeIntervention(String node, String feature, String clerp, double predictedDirect,
                               double predictedTotal, double actualDelta) {
}
