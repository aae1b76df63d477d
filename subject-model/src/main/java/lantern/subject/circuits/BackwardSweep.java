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
 * The backward sweeps of {@link Attribution}: a batch of read vectors carried down the residual stream and the frozen
 * attention OV paths of a {@link LocalReplacement}, reading the edges from every source on the way.
 *
 * <p>Gradients are held position-major, {@code [T, n, d]}, so the per-position products (sources, tokens) need no
 * copy and the pattern product is one {@code [T, T] × [T, n·hd]} product per head. Per layer, everything linear that
 * does not depend on the batch is folded once per graph into the operands:
 * <ul>
 *   <li>the frozen ln1's {@code 1/σ} of each key position into the rows of the transposed pattern;</li>
 *   <li>ln1's gain, GPT-2's mean subtraction and grouped-query sharing into one {@code [H·hd, d]} value matrix
 *       ({@code W_V^T · diag(g) · (I − 11^T/d)});</li>
 *   <li>each position's error vector as one more column beside its sources' scaled decoder rows.</li>
 * </ul>
 * So a layer is four products, two permuting copies and one in-place add (it was ten element-wise ops more). The
 * edges are the same sums in another order: equal to the unfolded sweep within float rounding (see
 * {@code docs/speed-at-scale.md} for the measured difference), not bit for bit.
 */
final class BackwardSweep {
    private final LocalReplacement r;
    private final NDManager m;
    private final int layers;
    private final int t;
    private final int d;
    private final int h;
    private final int hd;
    private final NDArray[] outT;      // [d, H·hd]: W_O^T
    private final NDArray[] patternT;  // [H, Tk, Tq]: pattern^T / σ1[k]
    private final NDArray[] value;     // [H·hd, d]: W_V^T diag(g1) (I − 11^T/d), heads sharing a kv head repeated
    private final NDArray[] sources;   // [T, d, Smax + 1]: scaled decoder rows of the position's features, then its error
    private final int[][][] columns;   // [layer][pos][s]: the graph column of each source
    private final NDArray tokens;      // [T, d, 1]
    private final int errStart;
    private final int tokStart;

    BackwardSweep(LocalReplacement r, NDManager m, List<ActiveFeature> all, int errStart, int tokStart) {
        this.r = r;
        this.m = m;
        DecoderConfig c = r.cfg;
        this.layers = r.layers;
        this.t = r.t;
        this.d = r.d;
        this.h = c.heads();
        this.hd = c.headDim();
        this.errStart = errStart;
        this.tokStart = tokStart;
        outT = new NDArray[layers];
        patternT = new NDArray[layers];
        value = new NDArray[layers];
        sources = new NDArray[layers];
        columns = new int[layers][][];
        for (int l = 0; l < layers; l++) {
            LayerWeights w = r.model.weights().layers().get(l);
            outT[l] = owned(w.out().transpose());
            try (NDArray pt = r.pattern[l].get(0).transpose(0, 2, 1)) {
                patternT[l] = owned(pt.div(r.sigma1[l]));  // [H, Tk, Tq] / [Tk, 1]
            }
            value[l] = m.create(foldedValue(c, w), new Shape((long) h * hd, d));
            sources[l] = sourcesOf(all, l);
        }
        long[] ids = r.ids;
        tokens = owned(r.model.weights().embed().get(m, new NDIndex("{}", m.create(ids))).reshape(t, d, 1));
    }

    /** Moves an op's result (attached to its operand's manager) to this sweep's manager. */
    private NDArray owned(NDArray a) {
        a.attach(m);
        return a;
    }

    /** {@code W_V^T · diag(g1) · (I − 11^T/d)} (the centring for GPT-2 only), one block of rows per query head. */
    private float[] foldedValue(DecoderConfig c, LayerWeights w) {
        int kvh = c.kvHeads();
        float[] vt;
        try (NDArray wv = w.qkv().get(new NDIndex(":, {}:{}", c.qWidth() + c.kvWidth(), c.qWidth() + 2 * c.kvWidth()));
             NDArray wvt = wv.transpose()) {
            vt = wvt.toFloatArray();  // [kvh·hd, d]
        }
        float[] gain = w.norm1().toFloatArray();
        float[] out = new float[h * hd * d];
        int group = h / kvh;
        for (int head = 0; head < h; head++) {
            for (int j = 0; j < hd; j++) {
                int src = ((head / group) * hd + j) * d;
                int dst = (head * hd + j) * d;
                double mean = 0;
                for (int k = 0; k < d; k++) {
                    out[dst + k] = vt[src + k] * gain[k];
                    mean += out[dst + k];
                }
                if (c.isGpt2()) {
                    float mu = (float) (mean / d);
                    for (int k = 0; k < d; k++) out[dst + k] -= mu;
                }
            }
        }
        return out;
    }

    private NDArray sourcesOf(List<ActiveFeature> all, int l) {
        List<List<Integer>> perPos = new ArrayList<>();
        for (int p = 0; p < t; p++) perPos.add(new ArrayList<>());
        for (int i = 0; i < all.size(); i++) if (all.get(i).layer() == l) perPos.get(all.get(i).pos()).add(i);
        int smax = perPos.stream().mapToInt(List::size).max().orElse(0);
        int width = smax + 1;
        float[] w = new float[t * d * width];
        columns[l] = new int[t][];
        Transcoder tc = r.transcoders.layer(l);
        float[] err = r.errors[l];
        for (int p = 0; p < t; p++) {
            List<Integer> ids = perPos.get(p);
            columns[l][p] = ids.stream().mapToInt(Integer::intValue).toArray();
            for (int s = 0; s < ids.size(); s++) {
                ActiveFeature f = all.get(ids.get(s));
                float[] row = tc.decoderRow(f.index());
                for (int j = 0; j < d; j++) w[(p * d + j) * width + s] = row[j] * f.activation();
            }
            for (int j = 0; j < d; j++) w[(p * d + j) * width + smax] = err[p * d + j];
        }
        return m.create(w, new Shape(t, d, width));
    }

    /** One row to compute: where its read vector enters the residual stream ({@code layer} MAX_VALUE: a logit, at the top). */
    record Target(int row, int layer, int pos, float[] vector) {
    }

    /**
     * One backward sweep for a batch of targets; fills {@code out[i]} with the row of target i ({@code cols} wide).
     *
     * <p>Only the part of the sweep that can be non-zero is computed: above the highest layer a target enters at, the
     * gradient is all zeros (nothing is injected yet), and past the last position a target reads at it stays zero (the
     * OV path carries gradient only from a query to keys at or before it). So the sweep starts at that layer, reads no
     * sources before the first injection, applies W_O^T to the injected vectors alone at the layer they enter, and
     * works on positions {@code 0..P} only; the values it skips are exact zeros, which the rows hold already.
     */
    void sweep(List<Target> targets, int cols, float[][] out) {
        int n = targets.size();
        for (int i = 0; i < n; i++) out[i] = new float[cols];
        int top = -1, last = -1;
        for (Target tg : targets) {
            top = Math.max(top, Math.min(tg.layer, layers - 1));   // a logit enters above the last layer
            last = Math.max(last, tg.pos < 0 ? t - 1 : tg.pos);    // a logit reads at the last position
        }
        int tp = last + 1;
        try (NDManager s = m.newSubManager()) {
            NDArray g = s.zeros(new Shape(tp, n, d));
            boolean live = inject(s, g, targets, Integer.MAX_VALUE, t - 1, tp);
            for (int l = top; l >= 0; l--) {
                if (live) {
                    readSources(g, l, out, s, tp);
                    inject(s, g, targets, l, -1, tp);
                    attentionBack(l, g, s, tp, outputHeads(l, g, tp));
                } else if (inject(s, g, targets, l, -1, tp)) {
                    // the first injection: g holds only the injected rows, so W_O^T is applied to those alone
                    live = true;
                    attentionBack(l, g, s, tp, outputHeadsOfInjected(l, targets, s, tp));
                }
            }
            float[] tok = g.matMul(cut(tokens, tp, s)).toFloatArray(); // [tp, n, 1]
            for (int p = 0; p < tp; p++) {
                for (int i = 0; i < n; i++) out[i][tokStart + p] = tok[p * n + i];
            }
        }
    }

    /** Positions {@code 0..tp-1} of a per-position array, as a view owned by the sweep's manager. */
    private NDArray cut(NDArray a, int tp, NDManager s) {
        if (tp == t) return a;
        NDArray v = a.get(new NDIndex(":{}", tp));
        v.attach(s);
        return v;
    }

    /** Adds the read vectors of the targets entering at {@code layer} (logits: the top) in place; whether any did. */
    private boolean inject(NDManager s, NDArray g, List<Target> targets, int layer, int logitPos, int tp) {
        int n = targets.size();
        float[] add = null;
        for (int i = 0; i < n; i++) {
            Target tg = targets.get(i);
            if (tg.layer != layer) continue;
            if (add == null) add = new float[tp * n * d];
            int pos = tg.pos < 0 ? logitPos : tg.pos;
            System.arraycopy(tg.vector, 0, add, (pos * n + i) * d, d);
        }
        if (add == null) return false;
        g.addi(s.create(add, new Shape(tp, n, d)));
        return true;
    }

    /** Edges from the sources written at layer {@code l}'s MLP output (features, then the error), read from the gradient there. */
    private void readSources(NDArray g, int l, float[][] out, NDManager s, int tp) {
        int n = out.length;
        NDArray src = cut(sources[l], tp, s);
        int width = (int) src.getShape().get(2);
        int smax = width - 1;
        float[] e = g.matMul(src).toFloatArray(); // [tp, n, Smax + 1]
        int[][] colsAt = columns[l];
        int errCol = errStart + l * t;
        for (int p = 0; p < tp; p++) {
            int[] cs = colsAt[p];
            boolean err = p >= r.firstNodePos;
            for (int i = 0; i < n; i++) {
                int off = (p * n + i) * width;
                float[] row = out[i];
                for (int k = 0; k < cs.length; k++) row[cs[k]] = e[off + k];
                if (err) row[errCol + p] = e[off + smax];
            }
        }
    }

    /** {@code g · W_O^T} per head, {@code [H, Tq, n·hd]}. */
    private NDArray outputHeads(int l, NDArray g, int tp) {
        long n = g.getShape().get(1);
        return g.matMul(outT[l]).reshape(tp, n, h, hd).transpose(2, 0, 1, 3).reshape(h, tp, n * hd);
    }

    /**
     * {@link #outputHeads} when the gradient holds only the vectors just injected at layer {@code l} (one row and
     * position per target, zeros elsewhere): the product of those vectors alone, placed at their rows.
     */
    private NDArray outputHeadsOfInjected(int l, List<Target> targets, NDManager s, int tp) {
        int n = targets.size();
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < n; i++) if (targets.get(i).layer == l) at.add(i);
        float[] v = new float[at.size() * d];
        for (int j = 0; j < at.size(); j++) System.arraycopy(targets.get(at.get(j)).vector, 0, v, j * d, d);
        float[] small;
        try (NDArray vs = s.create(v, new Shape(at.size(), d)); NDArray p = vs.matMul(outT[l])) {
            small = p.toFloatArray();  // [k, H·hd]
        }
        float[] y = new float[h * tp * n * hd];
        for (int j = 0; j < at.size(); j++) {
            int i = at.get(j);
            int pos = targets.get(i).pos;
            for (int head = 0; head < h; head++) {
                System.arraycopy(small, (j * h + head) * hd, y, ((head * tp + pos) * n + i) * hd, hd);
            }
        }
        return s.create(y, new Shape(h, tp, (long) n * hd));
    }

    /**
     * From the gradient at {@code resid_mid[l]} to the gradient at {@code resid_pre[l]}, in place: the residual path
     * plus the frozen attention's OV path, back through the frozen ln1 (folded into the pattern and the value matrix);
     * {@code y} is {@code g · W_O^T} per head.
     */
    private void attentionBack(int l, NDArray g, NDManager s, int tp, NDArray y) {
        long n = g.getShape().get(1);
        NDArray pt = patternT[l];
        if (tp < t) {
            pt = pt.get(new NDIndex(":, :{}, :{}", tp, tp));
            pt.attach(s);
        }
        NDArray z = pt.matMul(y);                                                       // [H, Tk, n·hd]
        z.attach(s);  // the result of an op belongs to its first operand's manager
        NDArray zq = z.reshape(h, tp, n, hd).transpose(1, 2, 0, 3).reshape(tp * n, (long) h * hd);
        g.addi(zq.matMul(value[l]).reshape(tp, n, d));
    }
}
