package lantern.subject.circuits;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
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
    /**
     * Per layer, made once on {@code m}: W_O^T, the value slice of W_qkv transposed, and the pattern transposed.
     * Made per sweep they would be attached to the weights' manager (an op's result belongs to its first operand's
     * manager) and kept for the life of the model: GPT-2 small leaked gigabytes per graph.
     */
    private final NDArray[] outT, valueT, patternT;

    public Attribution(LocalReplacement r, NDManager m) {
        this.r = r;
        this.c = r.cfg;
        this.m = m;
        this.layers = r.layers;
        this.t = r.t;
        this.d = r.d;
        outT = new NDArray[layers];
        valueT = new NDArray[layers];
        patternT = new NDArray[layers];
        for (int l = 0; l < layers; l++) {
            LayerWeights w = r.model.weights().layers().get(l);
            outT[l] = owned(w.out().transpose());
            NDArray wv = w.qkv().get(new NDIndex(":, {}:{}", c.qWidth() + c.kvWidth(), c.qWidth() + 2 * c.kvWidth()));
            valueT[l] = owned(wv.transpose());
            wv.close();
            patternT[l] = owned(r.pattern[l].transpose(0, 1, 3, 2));
        }
    }

    /** Moves an op's result (attached to its operand's manager) to this attribution's manager. */
    private NDArray owned(NDArray a) {
        a.attach(m);
        return a;
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
        SourceColumns sources = new SourceColumns(all, errStart, tokStart);

        float[][] logitRows = new float[logitIds.length][];
        float[][] featureRows = new float[total][];
        List<Target> logitTargets = new ArrayList<>();
        for (int i = 0; i < logitIds.length; i++) logitTargets.add(Target.logit(i, logitVector(logitIds[i])));
        sweep(logitTargets, sources, cols, logitRows);
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
                List<Target> batch = new ArrayList<>();
                for (int j = s; j < Math.min(queue.length, s + BATCH); j++) {
                    int fi = queue[j];
                    batch.add(Target.feature(fi, all.get(fi), featureVector(all.get(fi))));
                    visited[fi] = true;
                }
                float[][] rows = new float[batch.size()][];
                sweep(batch, sources, cols, rows);
                for (int j = 0; j < batch.size(); j++) featureRows[batch.get(j).row] = rows[j];
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

    /** One row to compute: where its read vector enters the residual stream. */
    private record Target(int row, int layer, int pos, float[] vector) {
        static Target logit(int row, float[] v) {
            return new Target(row, Integer.MAX_VALUE, -1, v);
        }

        static Target feature(int row, ActiveFeature f, float[] v) {
            return new Target(row, f.layer(), f.pos(), v);
        }
    }

    /** Column bookkeeping: per layer, each position's active features (scaled decoder rows) and their columns. */
    private final class SourceColumns {
        final NDArray[] writes = new NDArray[layers];      // [T, Smax, d]
        final NDArray[] writesT = new NDArray[layers];     // [T, d, Smax]
        final int[][][] columns = new int[layers][][];     // [layer][pos][s]
        final NDArray[] errors = new NDArray[layers];      // [T, d]
        final NDArray tokens;                              // [T, d]
        final int errStart;
        final int tokStart;

        SourceColumns(List<ActiveFeature> all, int errStart, int tokStart) {
            this.errStart = errStart;
            this.tokStart = tokStart;
            for (int l = 0; l < layers; l++) {
                List<List<Integer>> perPos = new ArrayList<>();
                for (int p = 0; p < t; p++) perPos.add(new ArrayList<>());
                for (int i = 0; i < all.size(); i++) if (all.get(i).layer() == l) perPos.get(all.get(i).pos()).add(i);
                int smax = Math.max(1, perPos.stream().mapToInt(List::size).max().orElse(0));
                float[] w = new float[t * smax * d];
                columns[l] = new int[t][];
                Transcoder tc = r.transcoders.layer(l);
                for (int p = 0; p < t; p++) {
                    List<Integer> ids = perPos.get(p);
                    columns[l][p] = ids.stream().mapToInt(Integer::intValue).toArray();
                    for (int s = 0; s < ids.size(); s++) {
                        ActiveFeature f = all.get(ids.get(s));
                        float[] row = tc.decoderRow(f.index());
                        int off = (p * smax + s) * d;
                        for (int j = 0; j < d; j++) w[off + j] = row[j] * f.activation();
                    }
                }
                writes[l] = m.create(w, new Shape(t, smax, d));
                writesT[l] = writes[l].transpose(0, 2, 1);
                errors[l] = m.create(r.errors[l], new Shape(t, d));
            }
            long[] ids = r.ids;
            tokens = r.model.weights().embed().get(m, new NDIndex("{}", m.create(ids))).reshape(t, d);
        }
    }

    /**
     * One backward sweep for a batch of targets; fills {@code out[i]} with the row of target i.
     *
     * <p>Only the part of the sweep that can be non-zero is computed: above the highest layer a target enters at, the
     * gradient is all zeros (nothing is injected yet), and past the last position a target reads at it stays zero (the
     * OV path carries gradient only from a query to keys at or before it). So the sweep starts at that layer and works
     * on positions {@code 0..P} only; the values it skips are exact zeros, which the rows hold already. Batches are
     * made of neighbouring features (same layer, nearby positions), so on average about a quarter of a full sweep is
     * left to compute.
     */
    private void sweep(List<Target> targets, SourceColumns src, int cols, float[][] out) {
        int n = targets.size();
        for (int i = 0; i < n; i++) out[i] = new float[cols];
        int top = -1, last = -1;
        for (Target tg : targets) {
            top = Math.max(top, Math.min(tg.layer, layers - 1));   // a logit enters above the last layer
            last = Math.max(last, tg.pos < 0 ? t - 1 : tg.pos);    // a logit reads at the last position
        }
        int tp = last + 1;
        try (NDManager s = m.newSubManager()) {
            Window w = new Window(s, tp);
            NDArray g = s.zeros(new Shape(n, tp, d));
            g = inject(s, g, targets, Integer.MAX_VALUE, t - 1, tp);
            for (int l = top; l >= 0; l--) {
                readSources(g, l, src, out, w);
                g = inject(s, g, targets, l, -1, tp);
                g = attentionBack(l, g, w);
            }
            float[] tok = g.mul(w.of(src.tokens, 0)).sum(new int[]{2}).toFloatArray(); // [n, tp]
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < tp; p++) out[i][src.tokStart + p] = tok[i * tp + p];
            }
        }
    }

    /**
     * The first {@code tp} positions of the per-position arrays a sweep reads (the whole arrays when {@code tp == t}),
     * as views owned by the sweep's manager.
     */
    private final class Window {
        final NDManager s;
        final int tp;

        Window(NDManager s, int tp) {
            this.s = s;
            this.tp = tp;
        }

        /** {@code a} cut to positions {@code 0..tp-1} along {@code axis} (0 or 1 here). */
        NDArray of(NDArray a, int axis) {
            if (tp == t) return a;
            NDArray v = a.get(axis == 0 ? new NDIndex(":{}", tp) : new NDIndex(":, :{}", tp));
            v.attach(s);
            return v;
        }

        /** The transposed pattern {@code [1, H, Tk, Tq]} cut to keys and queries {@code 0..tp-1}. */
        NDArray pattern(NDArray a) {
            if (tp == t) return a;
            NDArray v = a.get(new NDIndex(":, :, :{}, :{}", tp, tp));
            v.attach(s);
            return v;
        }
    }

    /** Adds the read vectors of the targets entering at {@code layer} (logits: the top) to their rows. */
    private NDArray inject(NDManager s, NDArray g, List<Target> targets, int layer, int logitPos, int tp) {
        float[] add = null;
        for (int i = 0; i < targets.size(); i++) {
            Target tg = targets.get(i);
            if (tg.layer != layer) continue;
            if (add == null) add = new float[targets.size() * tp * d];
            int pos = tg.pos < 0 ? logitPos : tg.pos;
            System.arraycopy(tg.vector, 0, add, (i * tp + pos) * d, d);
        }
        if (add == null) return g;
        return g.add(s.create(add, new Shape(targets.size(), tp, d)));
    }

    /** Edges from the sources written at layer {@code l}'s MLP output, read from the gradient there. */
    private void readSources(NDArray g, int l, SourceColumns src, float[][] out, Window w) {
        int n = out.length;
        int tp = w.tp;
        NDArray wT = w.of(src.writesT[l], 0);
        int smax = (int) wT.getShape().get(2);
        float[] e = g.transpose(1, 0, 2).matMul(wT).toFloatArray(); // [tp, n, Smax]
        int[][] colsAt = src.columns[l];
        for (int p = 0; p < tp; p++) {
            int[] cs = colsAt[p];
            for (int i = 0; i < n; i++) {
                int off = (p * n + i) * smax;
                for (int k = 0; k < cs.length; k++) out[i][cs[k]] = e[off + k];
            }
        }
        float[] err = g.mul(w.of(src.errors[l], 0)).sum(new int[]{2}).toFloatArray(); // [n, tp]
        for (int i = 0; i < n; i++) {
            for (int p = r.firstNodePos; p < tp; p++) out[i][src.errStart + l * t + p] = err[i * tp + p];
        }
    }

    /**
     * From the gradient at {@code resid_mid[l]} to the gradient at {@code resid_pre[l]}: the residual path plus the
     * frozen attention's OV path, back through the frozen ln1.
     */
    private NDArray attentionBack(int l, NDArray g, Window win) {
        LayerWeights w = r.model.weights().layers().get(l);
        int h = c.heads();
        int kvh = c.kvHeads();
        int hd = c.headDim();
        int tp = win.tp;
        long n = g.getShape().get(0);
        NDArray y = g.matMul(outT[l]).reshape(n, tp, h, hd).transpose(0, 2, 1, 3);              // [n, H, Tq, hd]
        NDArray z = win.pattern(patternT[l]).matMul(y);                                           // [n, H, Tk, hd]
        z.attach(g.getManager());  // the result of an op belongs to its first operand's manager
        z = z.transpose(0, 2, 1, 3);                                                              // [n, Tk, H, hd]
        if (kvh < h) z = z.reshape(n, tp, kvh, h / kvh, hd).sum(new int[]{3});
        NDArray gln = z.reshape(n, tp, (long) kvh * hd).matMul(valueT[l]);                       // [n, T, d]
        NDArray gx = gln.mul(w.norm1()).div(win.of(r.sigma1[l], 0));
        if (c.isGpt2()) gx = gx.sub(gx.mean(new int[]{-1}, true));
        return g.add(gx);
    }

    /** A feature's read vector at resid_mid: its encoder column through the frozen ln2. */
    float[] featureVector(ActiveFeature f) {
        LayerWeights w = r.model.weights().layers().get(f.layer());
        float[] col = r.transcoders.layer(f.layer()).encoderColumn(f.index());
        float sigma = r.sigma2Values(f.layer())[f.pos()];
        return throughNorm(col, r.norm2Gain(f.layer()), sigma);
    }

    /** A logit's read vector at the final residual: the unembedding column minus the vocabulary mean, through the frozen final norm. */
    float[] logitVector(int token) {
        NDArray u = r.model.weights().unembed();
        float[] col, mean;
        try (NDArray c1 = u.get(new NDIndex(":, {}", token)); NDArray mu = u.mean(new int[]{1})) {  // not left on the weights' manager
            col = c1.toFloatArray();
            mean = mu.toFloatArray();
        }
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
