package lantern.collect;

import java.util.Arrays;
import java.util.List;

/**
 * The main pass's work for one batch and one layer, over the activations {@code v} [B,T,N] copied out once: per
 * sequence a single pass over the text tokens gives every neuron's max, argmax, sum and positive count; windows are
 * read from the same array. One pass over a plain array costs less than the five tensor reductions it replaces
 * (masked max, argmax, sums, positive counts, gathers: 25 ms against ~6 ms per layer of 32 x 66 x 1,536 on one core).
 *
 * <p>What it adds to the layer's state depends on the batch alone (its sums are added in the batch's fixed sequence
 * order, then into the exact accumulator), so a batch digested anywhere contributes the same bits.
 */
final class BatchDigest {
    /** False: the plain loop even where the Vector API is there (tests compare the two). */
    static volatile boolean useSimd = true;

    private BatchDigest() {
    }

    static void digest(LayerState a, float[] v, Batch batch, int index, CollectionPlan plan, long[] sampledRows) {
        CollectOptions opt = plan.options;
        TokenStream stream = plan.stream;
        int n = a.n;
        int w = opt.windowWidth();
        int prefix = stream.prefix().length;
        float[] seqMax = new float[n];
        float[] seqSum = new float[n];
        int[] seqPositive = new int[n];
        boolean simd = SequenceStats.AVAILABLE && useSimd;
        int[] seqArg = simd ? new int[n] : null;
        float[] window = new float[w];
        double[] batchSum = a.batchSum;
        Arrays.fill(batchSum, 0.0);
        for (int b = 0; b < batch.size; b++) {
            int s = batch.seqs[b];
            int len = stream.length(s);
            int first = (b * batch.t + prefix) * n;  // the sequence's first text token
            if (simd) {
                SequenceStats.run(v, first, len, n, seqSum, seqMax, seqPositive, seqArg);
            } else {
                plainStats(v, first, len, n, seqSum, seqMax, seqPositive);
            }
            Integer qi = plan.quantileIndex.get(s);
            for (int j = 0; j < n; j++) {
                batchSum[j] += seqSum[j];
                a.positive[j] += seqPositive[j];
                a.max[j] = Math.max(a.max[j], seqMax[j]);
                boolean top = a.top.beats(j, seqMax[j], s);
                if (!top && qi == null) continue;
                int center = simd ? seqArg[j] : argMax(v, first, n, j, len, seqMax[j]);
                // Top windows: only a sequence beating the neuron's K-th best is cut out and offered.
                if (top) {
                    Window win = Window.around(s, center, len, opt.halfWindow());
                    for (int i = 0; i < win.length(); i++) window[i] = v[first + (win.start() + i) * n + j];
                    a.top.offer(j, win, seqMax[j], window, 0);
                }
                // Per-sequence max and its token, for the sequences sampled for quantile windows.
                if (qi != null) {
                    a.qMax[qi * n + j] = seqMax[j];
                    a.qCenter[qi * n + j] = center;
                }
            }
            // Random windows: every neuron's activations at the shared positions.
            List<Integer> rs = plan.randomBySeq.get(s);
            if (rs == null) continue;
            int rCount = plan.randomWindows.size();
            for (int r : rs) {
                Window win = plan.randomWindows.get(r);
                for (int i = 0; i < win.length(); i++) {
                    int base = (b * batch.t + prefix + win.start() + i) * n;
                    for (int j = 0; j < n; j++) a.random[(j * rCount + r) * w + i] = v[base + j];
                }
            }
        }
        for (int j = 0; j < n; j++) a.sums.add(j, batchSum[j]);
        // Uniform token sample (all neurons at once) for the quantile estimate.
        if (sampledRows.length > 0) {
            float[] sample = new float[sampledRows.length * n];
            for (int r = 0; r < sampledRows.length; r++) System.arraycopy(v, (int) sampledRows[r] * n, sample, r * n, n);
            a.addSamples(index, sample);
        }
    }

    /**
     * Every neuron's sum, max and positive count over one sequence's text tokens, in plain Java: what
     * {@link SequenceStats} computes, bit for bit, where the Vector API is missing. Branch-free so the JIT vectorizes
     * it; the argmax is found later, only where it is needed.
     */
    static void plainStats(float[] v, int first, int len, int n, float[] seqSum, float[] seqMax, int[] seqPositive) {
        Arrays.fill(seqMax, Float.NEGATIVE_INFINITY);
        Arrays.fill(seqSum, 0f);
        Arrays.fill(seqPositive, 0);
        for (int i = 0; i < len; i++) {
            int base = first + i * n;
            for (int j = 0; j < n; j++) {
                float x = v[base + j];
                seqSum[j] += x;
                seqMax[j] = Math.max(seqMax[j], x);
                // x > 0 as 0 or 1 in integer ops (a compare-and-add does not vectorize): max(x, +0) has the
                // bits of +0 unless x > 0; adding 0x7fffffff carries into the sign bit exactly when bits >= 1.
                seqPositive[j] += (Float.floatToRawIntBits(Math.max(x, 0f)) + 0x7fffffff) >>> 31;
            }
        }
    }

    /** The first text token of a sequence where neuron {@code j} reaches {@code max}. */
    static int argMax(float[] v, int first, int n, int j, int len, float max) {
        for (int i = 0; i < len; i++) if (v[first + i * n + j] == max) return i;
        return 0;
    }
}
