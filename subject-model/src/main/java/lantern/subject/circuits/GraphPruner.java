package lantern.subject.circuits;

import java.util.Arrays;
import java.util.BitSet;

/**
 * circuit-tracer's {@code prune_graph} and {@code compute_graph_scores} on a dense adjacency
 * ({@code adjacency[target][source]}, null rows for nodes without inputs).
 *
 * <ul>
 *   <li>Influence: with A the row-normalised absolute adjacency and w the target logits' probabilities (at the logit
 *       rows), a node's influence is (w A + w A² + ...) at that node.</li>
 *   <li>Nodes: keep those whose influence reaches the value where the sorted cumulative influence crosses
 *       {@code nodeThreshold} (0.8); tokens and logits always stay.</li>
 *   <li>Edges: on the graph of kept nodes, an edge's score is its normalised weight × (its target's influence + w);
 *       keep those down to where the cumulative score crosses {@code edgeThreshold} (0.98).</li>
 *   <li>Then repeatedly drop feature and error nodes without a kept outgoing edge and feature nodes without a kept
 *       incoming one (and their edges) until nothing changes.</li>
 *   <li>Replacement score: token influence / (token + error influence). Completeness: Σ over nodes of (1 − the
 *       error share of its normalised inputs) × (influence + w), over Σ (influence + w).</li>
 * </ul>
 */
public final class GraphPruner {
    private GraphPruner() {
    }

    /**
     * @param nodes      which nodes stay
     * @param edges      per target row, which sources stay (empty where the row has none)
     * @param cumulative per node, the cumulative influence share of the nodes at least as influential (upstream's
     *                   {@code cumulative_scores}, shown as {@code influence} in the graph JSON)
     * @param influence  per node, its influence on the logits
     */
    public record Result(boolean[] nodes, BitSet[] edges, float[] cumulative, double[] influence,
                         double replacementScore, double completenessScore) {
        public int keptNodes() {
            int n = 0;
            for (boolean b : nodes) if (b) n++;
            return n;
        }

        public long keptEdges() {
            long n = 0;
            for (BitSet b : edges) n += b.cardinality();
            return n;
        }
    }

    /**
     * @param nFeatures the first nFeatures nodes are features; errors follow up to {@code errorEnd}; then
     *                  {@code nTokens} tokens and {@code nLogits} logits close the list
     * @param logitProbs the probabilities of the logit nodes (in their order)
     */
    public static Result prune(float[][] adj, int nFeatures, int errorEnd, int nTokens, float[] logitProbs,
                               double nodeThreshold, double edgeThreshold) {
        if (nodeThreshold < 0 || nodeThreshold > 1) throw new lantern.errors.InvalidInputException("nodeThreshold must be between 0 and 1");
        if (edgeThreshold < 0 || edgeThreshold > 1) throw new lantern.errors.InvalidInputException("edgeThreshold must be between 0 and 1");
        int n = adj.length;
        int nLogits = logitProbs.length;
        double[] w = new double[n];
        for (int i = 0; i < nLogits; i++) w[n - nLogits + i] = logitProbs[i];

        double[] influence = influence(adj, null, w);
        double nodeCut = threshold(influence, nodeThreshold);
        boolean[] keep = new boolean[n];
        for (int i = 0; i < n; i++) keep[i] = influence[i] >= nodeCut || i >= n - nLogits - nTokens;

        double[] prunedInfluence = influence(adj, keep, w);
        double[] rowScale = new double[n];   // (influence + w) / Σ|row| over kept entries
        for (int i = 0; i < n; i++) {
            double abs = rowAbs(adj[i], keep, i);
            rowScale[i] = abs == 0 ? 0 : (prunedInfluence[i] + w[i]) / Math.max(abs, 1e-10);
        }
        int nnz = 0;
        for (int i = 0; i < n; i++) {
            if (adj[i] == null || !keep[i]) continue;
            for (int j = 0; j < n; j++) if (keep[j] && adj[i][j] != 0) nnz++;
        }
        double[] scores = new double[nnz];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (adj[i] == null || !keep[i]) continue;
            for (int j = 0; j < n; j++) if (keep[j] && adj[i][j] != 0) scores[k++] = Math.abs(adj[i][j]) * rowScale[i];
        }
        // upstream sorts every entry of the dense matrix: zeros sort last, so the cut lands on a zero only when the
        // non-zero scores never reach the threshold
        double edgeCut = threshold(scores, edgeThreshold, (long) n * n);
        BitSet[] edges = new BitSet[n];
        for (int i = 0; i < n; i++) {
            edges[i] = new BitSet(n);
            for (int j = 0; j < n; j++) {
                double s = adj[i] == null || !keep[i] || !keep[j] ? 0 : Math.abs(adj[i][j]) * rowScale[i];
                if (s >= edgeCut && (s > 0 || edgeCut <= 0)) edges[i].set(j);
            }
        }
        int sourceEnd = n - nLogits - nTokens;
        boolean changed = true;
        while (changed) {
            changed = false;
            boolean[] hasOut = new boolean[n];
            for (int i = 0; i < n; i++) for (int j = edges[i].nextSetBit(0); j >= 0; j = edges[i].nextSetBit(j + 1)) hasOut[j] = true;
            for (int i = 0; i < sourceEnd; i++) {
                boolean ok = keep[i] && hasOut[i] && (i >= nFeatures || !edges[i].isEmpty());
                if (keep[i] && !ok) {
                    keep[i] = false;
                    changed = true;
                }
            }
            if (changed) {
                for (int i = 0; i < n; i++) {
                    if (!keep[i]) edges[i].clear();
                    for (int j = edges[i].nextSetBit(0); j >= 0; j = edges[i].nextSetBit(j + 1)) if (!keep[j]) edges[i].clear(j);
                }
            }
        }
        float[] cumulative = cumulative(influence);
        double[] scoresOut = graphScores(adj, influence, w, nFeatures, errorEnd, nTokens);
        return new Result(keep, edges, cumulative, influence, scoresOut[0], scoresOut[1]);
    }

    /** w A + w A² + ... with A the row-normalised |adjacency| (only {@code keep} rows and columns when given). */
    static double[] influence(float[][] adj, boolean[] keep, double[] w) {
        int n = adj.length;
        double[] inv = new double[n];
        for (int i = 0; i < n; i++) inv[i] = 1 / Math.max(rowAbs(adj[i], keep, i), 1e-10);
        double[] current = step(adj, keep, inv, w);
        double[] total = current.clone();
        for (int iter = 0; any(current); iter++) {
            if (iter >= 1000) throw new IllegalStateException("influence did not converge: the graph has a cycle");
            current = step(adj, keep, inv, current);
            for (int i = 0; i < n; i++) total[i] += current[i];
        }
        return total;
    }

    private static double[] step(float[][] adj, boolean[] keep, double[] inv, double[] v) {
        int n = adj.length;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            if (v[i] == 0 || adj[i] == null || (keep != null && !keep[i])) continue;
            double s = v[i] * inv[i];
            float[] row = adj[i];
            for (int j = 0; j < n; j++) {
                if (row[j] != 0 && (keep == null || keep[j])) out[j] += s * Math.abs(row[j]);
            }
        }
        return out;
    }

    private static double rowAbs(float[] row, boolean[] keep, int i) {
        if (row == null || (keep != null && !keep[i])) return 0;
        double s = 0;
        for (int j = 0; j < row.length; j++) if (keep == null || keep[j]) s += Math.abs(row[j]);
        return s;
    }

    private static boolean any(double[] v) {
        for (double x : v) if (x != 0) return true;
        return false;
    }

    /** upstream's find_threshold over every score. */
    static double threshold(double[] scores, double fraction) {
        return threshold(scores, fraction, scores.length);
    }

    /**
     * find_threshold over {@code scores} plus {@code total − scores.length} zeros: the score at the first index where
     * the descending cumulative share reaches {@code fraction} (the last one at most).
     */
    static double threshold(double[] scores, double fraction, long total) {
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (double s : sorted) sum += s;
        double acc = 0;
        for (int i = sorted.length - 1; i >= 0; i--) {
            acc += sorted[i];
            if (acc / sum >= fraction) return sorted[i];
        }
        if (total > sorted.length) return 0;     // the cut falls among the zeros
        return sorted.length == 0 ? 0 : sorted[0];
    }

    /** Per node, the cumulative share of influence of the nodes ranked at or above it. */
    static float[] cumulative(double[] influence) {
        int n = influence.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(influence[b], influence[a]));
        double sum = 0;
        for (double v : influence) sum += v;
        float[] out = new float[n];
        double acc = 0;
        for (int r = 0; r < n; r++) {
            acc += influence[order[r]];
            out[order[r]] = (float) (sum == 0 ? 0 : acc / sum);
        }
        return out;
    }

    /** {replacement score, completeness score} of the unpruned graph. */
    static double[] graphScores(float[][] adj, double[] influence, double[] w, int nFeatures, int errorEnd, int nTokens) {
        double token = 0, error = 0;
        for (int i = nFeatures; i < errorEnd; i++) error += influence[i];
        for (int i = errorEnd; i < errorEnd + nTokens; i++) token += influence[i];
        double replacement = token / (token + error);
        double num = 0, den = 0;
        for (int i = 0; i < adj.length; i++) {
            double errShare = 0;
            if (adj[i] != null) {
                double abs = Math.max(rowAbs(adj[i], null, i), 1e-10);
                for (int j = nFeatures; j < errorEnd; j++) errShare += Math.abs(adj[i][j]) / abs;
            }
            double out = influence[i] + w[i];
            num += (1 - errShare) * out;
            den += out;
        }
        return new double[]{replacement, num / den};
    }
}
