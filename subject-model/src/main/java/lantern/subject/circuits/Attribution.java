package lantern.subject.circuits;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import lantern.subject.circuits.LocalReplacement.ActiveFeature;
import lantern.subject.decoder.DecoderConfig;
import lantern.subject.decoder.LayerWeights;
import lantern.subject.transcoder.Transcoder;

import java.util.ArrayList;
import java.util.List;

/**
 * Direct effects in a {@link LocalReplacement} (circuit-tracer's {@code attribute}). A target's read vector — a
 * feature's encoder column through the frozen ln2, or a logit's unembedding column minus the vocabulary mean
 * through the frozen final norm — is carried backwards through the residual stream and the frozen attention OV
 * paths only (never through an MLP); at each layer's MLP output it meets the sources written there (activation ×
 * decoder row, or the error vector), and at the embedding the token vectors. Many targets share one sweep: a batch
 * holds {@code [n, T, d]} gradients, and a target of layer l joins its row when the sweep reaches layer l.
 *
 * <p>Logits: the top logits covering {@code 0.95} of the probability, at most 10. With {@code maxFeatureNodes}
 * below the number of active features, features are visited in order of their influence on the logits so far,
 * re-ranked every {@code 4 × batch} rows, and only visited features stay nodes (as circuit-tracer does).
 */
public final class Attribution {
    public static final int MAX_LOGITS = 10;
    public static final double LOGIT_PROB = 0.95;
    private static final int BATCH = 128;
    private static final int UPDATE_INTERVAL = 4;

    private final LocalReplacement r;
    private final DecoderConfig c;
    private final NDManager m;
    private final int layers;
    private final int t;
    private final int d;
    public Attribution(LocalReplacement r, NDManager m) {
        this.r = r;
        this.c = r.cfg;
        this.m = m;
        this.layers = r.layers;
        this.t = r.t;
        this.d = r.d;
    }

    /** A progress callback: rows done of rows to do. */
    public interface Progress {
        void rows(int done, int total);
    }

    public AttributionGraph run(String prompt, int maxFeatureNodes, Progress progress) {
        List<ActiveFeature> all = r.features;
        int total = all.size();
        int keep = maxFeatureNodes <= 0 ? total : Math.min(maxFeatureNodes, total);
        int[] logitIds = salientLogits(r.lastLogits);
        float[] probs = softmax(r.lastLogits);
        // columns of the full graph: every active feature, errors, tokens (logits have no outgoing edges)
        int errStart = total;
        int tokStart = errStart + layers * t;
        int logitStart = tokStart + t;
        int cols = logitStart + logitIds.length;
        BackwardSweep sweeper = new BackwardSweep(r, m, all, errStart, tokStart);

        float[][] logitRows = new float[logitIds.length][];
        float[][] featureRows = new float[total][];
        List<BackwardSweep.Target> logitTargets = new ArrayList<>();
        for (int i = 0; i < logitIds.length; i++) {
            logitTargets.add(new BackwardSweep.Target(i, Integer.MAX_VALUE, -1, logitVector(logitIds[i])));
        }
        sweeper.sweep(logitTargets, cols, logitRows);
        int done = logitIds.length;
        int todo = logitIds.length + keep;
        if (progress != null) progress.rows(done, todo);

        boolean[] visited = new boolean[total];
        int nVisited = 0;
        while (nVisited < keep) {
            int[] queue;
            if (keep == total) {
                queue = java.util.stream.IntStream.range(0, total).toArray();
            } else {
                double[] influence = partialInfluence(logitRows, featureRows, probs, logitIds, total, cols);
                Integer[] order = new Integer[total];
                for (int i = 0; i < total; i++) order[i] = i;
                java.util.Arrays.sort(order, (a, b) -> Double.compare(influence[b], influence[a]));
                int size = Math.min(UPDATE_INTERVAL * BATCH, keep - nVisited);
                queue = java.util.Arrays.stream(order).filter(i -> !visited[i]).limit(size).mapToInt(Integer::intValue).toArray();
                // this round's features in (layer, position) order: a batch of neighbours sweeps fewer layers and positions
                queue = java.util.Arrays.stream(queue).boxed().sorted(java.util.Comparator
                        .comparingInt((Integer i) -> all.get(i).layer()).thenComparingInt(i -> all.get(i).pos()).thenComparingInt(i -> i))
                        .mapToInt(Integer::intValue).toArray();
            }
            for (int s = 0; s < queue.length; s += BATCH) {
                List<BackwardSweep.Target> batch = new ArrayList<>();
                for (int j = s; j < Math.min(queue.length, s + BATCH); j++) {
                    int fi = queue[j];
                    ActiveFeature f = all.get(fi);
                    batch.add(new BackwardSweep.Target(fi, f.layer(), f.pos(), featureVector(f)));
                    visited[fi] = true;
                }
                float[][] rows = new float[batch.size()][];
                sweeper.sweep(batch, cols, rows);
                for (int j = 0; j < batch.size(); j++) featureRows[batch.get(j).row()] = rows[j];
                nVisited += batch.size();
                done += batch.size();
                if (progress != null) progress.rows(done, todo);
            }
        }
        return assemble(prompt, all, visited, keep, featureRows, logitRows, logitIds, probs, cols);
    }

    /** Keeps the visited features' rows and columns, in (layer, position, index) order. */
    private AttributionGraph assemble(String prompt, List<ActiveFeature> all, boolean[] visited, int keep,
                                      float[][] featureRows, float[][] logitRows, int[] logitIds, float[] probs,
                                      int cols) {
        int total = all.size();
        int[] kept = new int[keep];
        int k = 0;
        for (int i = 0; i < total; i++) if (visited[i]) kept[k++] = i;
        int nonFeature = cols - total;
        int n = keep + nonFeature;
        float[][] adj = new float[n][];
        float[] values = new float[n];
        for (int row = 0; row < keep; row++) {
            adj[row] = selectColumns(featureRows[kept[row]], kept, total, nonFeature);
            ActiveFeature f = all.get(kept[row]);
            values[row] = preActivation(f);
        }
        float[] logits = r.lastLogits;
        double mean = 0;
        for (float v : logits) mean += v;
        mean /= logits.length;
        for (int i = 0; i < logitIds.length; i++) {
            int row = n - logitIds.length + i;
            adj[row] = selectColumns(logitRows[i], kept, total, nonFeature);
            values[row] = (float) (logits[logitIds[i]] - mean);
        }
        List<ActiveFeature> feats = new ArrayList<>();
        for (int i : kept) feats.add(all.get(i));
        long[] lid = new long[logitIds.length];
        float[] lp = new float[logitIds.length];
        List<String> ltok = new ArrayList<>();
        List<String> toks = new ArrayList<>();
        for (long id : r.ids) toks.add(r.model.tokenizer().displayToken(id));
        for (int i = 0; i < logitIds.length; i++) {
            lid[i] = logitIds[i];
            lp[i] = probs[logitIds[i]];
            ltok.add(r.model.tokenizer().displayToken(logitIds[i]));
        }
        return new AttributionGraph(r.model.info().id(), r.transcoders.name(), prompt, r.ids.clone(), toks, layers,
                feats, lid, lp, ltok, adj, values, r.firstNodePos, total);
    }

    private static float[] selectColumns(float[] row, int[] kept, int total, int nonFeature) {
        float[] out = new float[kept.length + nonFeature];
        for (int i = 0; i < kept.length; i++) out[i] = row[kept[i]];
        System.arraycopy(row, total, out, kept.length, nonFeature);
        return out;
    }

    /** A feature's encoder pre-activation: mlp_in · W_enc[:, i] + b_enc[i]. */
    float preActivation(ActiveFeature f) {
        Transcoder tc = r.transcoders.layer(f.layer());
        float[] in = r.mlpInValues(f.layer());
        float[] col = tc.encoderColumn(f.index());
        double s = tc.encoderBias(f.index());
        for (int i = 0; i < d; i++) s += (double) in[f.pos() * d + i] * col[i];
        return (float) s;
    }

    /** A feature's read vector at resid_mid: its encoder column through the frozen ln2. */
    float[] featureVector(ActiveFeature f) {
        LayerWeights w = r.model.weights().layers().get(f.layer());
        float[] col = r.transcoders.layer(f.layer()).encoderColumn(f.index());
        float sigma = r.sigma2Values(f.layer())[f.pos()];
        return throughNorm(col, r.norm2Gain(f.layer()), sigma);
    }

    private float[] unembedMean;

    /** The unembedding's mean over the vocabulary, once per graph (a pass over all of W_U). */
    private float[] unembedMean() {
        if (unembedMean == null) {
            try (NDArray mu = r.model.weights().unembed().mean(new int[]{1})) {
                unembedMean = mu.toFloatArray();
            }
        }
        return unembedMean;
    }

    /** A logit's read vector at the final residual: the unembedding column minus the vocabulary mean, through the frozen final norm. */
    float[] logitVector(int token) {
        NDArray u = r.model.weights().unembed();
        float[] col;
        try (NDArray c1 = u.get(new NDIndex(":, {}", token))) {  // not left on the weights' manager
            col = c1.toFloatArray();
        }
        float[] mean = unembedMean();
        for (int i = 0; i < d; i++) col[i] -= mean[i];
        float sigma = r.sigmaFinal.getFloat(t - 1, 0);
        return throughNorm(col, r.model.weights().normFinal().toFloatArray(), sigma);
    }

    private float[] throughNorm(float[] v, float[] gain, float sigma) {
        float[] out = new float[d];
        double mean = 0;
        for (int i = 0; i < d; i++) {
            out[i] = v[i] * gain[i] / sigma;
            mean += out[i];
        }
        if (c.isGpt2()) {
            mean /= d;
            for (int i = 0; i < d; i++) out[i] -= (float) mean;
        }
        return out;
    }

    /** circuit-tracer's compute_salient_logits: the fewest top tokens whose probability reaches 0.95, at most 10. */
    static int[] salientLogits(float[] logits) {
        float[] p = softmax(logits);
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < p.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Float.compare(p[b], p[a]));
        int top = Math.min(MAX_LOGITS, p.length);
        double cum = 0;
        int cutoff = top;
        for (int i = 0; i < top; i++) {
            cum += p[order[i]];
            if (cum >= LOGIT_PROB) {
                cutoff = i + 1;
                break;
            }
        }
        int[] out = new int[cutoff];
        for (int i = 0; i < cutoff; i++) out[i] = order[i];
        return out;
    }

    static float[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double sum = 0;
        double[] e = new double[logits.length];
        for (int i = 0; i < logits.length; i++) sum += e[i] = Math.exp(logits[i] - max);
        float[] p = new float[logits.length];
        for (int i = 0; i < p.length; i++) p[i] = (float) (e[i] / sum);
        return p;
    }

    /** circuit-tracer's compute_partial_influences over the rows computed so far (columns: all active features). */
    private static double[] partialInfluence(float[][] logitRows, float[][] featureRows, float[] probs, int[] logitIds,
                                             int total, int cols) {
        double[] influence = new double[cols];
        double[] prod = new double[cols];
        int logitStart = cols - logitIds.length;
        for (int i = 0; i < logitIds.length; i++) prod[logitStart + i] = probs[logitIds[i]];
        for (int iter = 0; iter < 128; iter++) {
            double[] next = new double[cols];
            boolean any = false;
            for (int row = 0; row < cols; row++) {
                if (prod[row] == 0) continue;
                float[] edges = row >= logitStart ? logitRows[row - logitStart] : row < total ? featureRows[row] : null;
                if (edges == null) continue;
                double abs = 0;
                for (float v : edges) abs += Math.abs(v);
                if (abs < 1e-8) abs = 1e-8;
                double scale = prod[row] / abs;
                for (int j = 0; j < edges.length; j++) {
                    if (edges[j] != 0) {
                        next[j] += scale * Math.abs(edges[j]);
                        any = true;
                    }
                }
            }
            if (!any) break;
            for (int j = 0; j < cols; j++) influence[j] += next[j];
            prod = next;
        }
        return influence;
    }
}
