package lantern.subject.circuits;

import lantern.subject.circuits.LocalReplacement.ActiveFeature;

import java.util.List;

/**
 * An unpruned attribution graph, laid out as circuit-tracer's {@code Graph}: nodes are
 * {@code [features..., errors (layer-major, every position)..., tokens (every position)..., logits...]} and
 * {@code adjacency[target][source]} holds the direct effect of source on target. Rows of error and token nodes
 * are null (nothing flows into them).
 *
 * @param tokens       the display string of each input token
 * @param features     the feature nodes, ordered by (layer, position, index)
 * @param logitIds     target token ids, most probable first
 * @param logitProbs   their probabilities
 * @param values       per row: the target's pre-activation (features) or its logit minus the vocabulary mean
 *                     (logits); 0 elsewhere
 * @param firstNodePos the first position with feature and error nodes (1 after a BOS)
 * @param totalActive  active features before {@code maxFeatureNodes} chose among them
 */
public record AttributionGraph(String model, String transcoders, String prompt, long[] ids, List<String> tokens,
                               int layers, List<ActiveFeature> features, long[] logitIds, float[] logitProbs,
                               List<String> logitTokens, float[][] adjacency, float[] values, int firstNodePos,
                               int totalActive) {

    public int nPos() {
        return ids.length;
    }

    public int nFeatures() {
        return features.size();
    }

    public int errorStart() {
        return features.size();
    }

    public int errorIndex(int layer, int pos) {
        return errorStart() + layer * nPos() + pos;
    }

    public int tokenStart() {
        return errorStart() + layers * nPos();
    }

    public int logitStart() {
        return tokenStart() + nPos();
    }

    public int size() {
        return logitStart() + logitIds.length;
    }

    /** The sum of every incoming edge of a row. */
    public double incoming(int row) {
        double s = 0;
        float[] r = adjacency[row];
        if (r == null) return 0;
        for (float v : r) s += v;
        return s;
    }

    /** A row's constant term: what its value holds beyond its incoming edges (biases, BOS, positions). */
    public double constant(int row) {
        return values[row] - incoming(row);
    }
}
