package lantern.collect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * Windows by activation quantile, the collection's short second pass: per neuron, the sampled sequences whose max is
 * positive are sorted by that max and cut into equal-count bins; {@code perBin} are drawn from each (seeded by seed,
 * layer and neuron) and their windows fetched in a forward pass over just those sequences.
 */
final class QuantilePass {
    private QuantilePass() {
    }

    /** Fills every layer's quantile windows; {@code afterBatch} runs after each forward pass (progress). */
    static void run(ActivationSource source, CollectionPlan plan, LayerState[] acc, Runnable afterBatch) {
        CollectOptions opt = plan.options;
        int[] quantileSeqs = plan.quantileSeqs;
        int bins = opt.quantileBins(), perBin = opt.perBin();
        if (bins == 0 || perBin == 0 || quantileSeqs.length == 0) return;
        TokenStream stream = plan.stream;
        int n = plan.width;
        int w = opt.windowWidth();
        int prefix = stream.prefix().length;
        TreeSet<Integer> needed = new TreeSet<>();
        for (LayerState a : acc) {
            a.qSlot = new int[n * bins * perBin];
            Arrays.fill(a.qSlot, -1);
            for (int j = 0; j < n; j++) {
                List<Integer> positive = new ArrayList<>();
                for (int q = 0; q < quantileSeqs.length; q++) if (a.qMax[q * n + j] > 0) positive.add(q);
                final int jj = j;
                positive.sort((x, y) -> {
                    int c = Float.compare(a.qMax[x * n + jj], a.qMax[y * n + jj]);
                    return c != 0 ? c : Integer.compare(x, y);
                });
                Random r = new Random(opt.seed() * 1_000_003L + a.layer * 100_003L + j);
                int m = positive.size();
                for (int bin = 0; bin < bins; bin++) {
                    List<Integer> members = new ArrayList<>(positive.subList(bin * m / bins, (bin + 1) * m / bins));
                    Collections.shuffle(members, r);
                    for (int k = 0; k < Math.min(perBin, members.size()); k++) {
                        int q = members.get(k);
                        a.qSlot[(j * bins + bin) * perBin + k] = q;
                        needed.add(quantileSeqs[q]);
                    }
                }
            }
        }
        int[] seqs = needed.stream().mapToInt(Integer::intValue).toArray();
        Map<Integer, Integer> batchRow = new HashMap<>();
        for (int from = 0; from < seqs.length; from += opt.batchSize()) {
            int[] part = Arrays.copyOfRange(seqs, from, Math.min(seqs.length, from + opt.batchSize()));
            Batch batch = Batch.of(stream, part);
            batchRow.clear();
            for (int b = 0; b < part.length; b++) batchRow.put(part[b], b);
            try (NDManager m = source.manager().newSubManager()) {
                List<NDArray> acts = source.neurons(m, batch.ids, batch.lengths, plan.layers);
                for (int li = 0; li < acc.length; li++) {
                    LayerState a = acc[li];
                    NDArray act = acts.get(li).toType(DataType.FLOAT32, false);
                    List<Integer> slots = new ArrayList<>();
                    List<Window> wins = new ArrayList<>();
                    List<Integer> centers = new ArrayList<>();
                    for (int slot = 0; slot < a.qSlot.length; slot++) {
                        if (a.qSlot[slot] < 0) continue;
                        int seq = quantileSeqs[a.qSlot[slot]];
                        Integer b = batchRow.get(seq);
                        if (b == null) continue;
                        int j = slot / (bins * perBin);
                        int center = a.qCenter[a.qSlot[slot] * n + j];
                        slots.add(slot);
                        centers.add(center);
                        wins.add(Window.around(seq, center, stream.length(seq), opt.halfWindow()));
                    }
                    if (slots.isEmpty()) continue;
                    long[] idx = new long[slots.size() * w];
                    for (int c = 0; c < slots.size(); c++) {
                        int j = slots.get(c) / (bins * perBin);
                        fillIndex(idx, c * w, w, wins.get(c), batchRow.get(wins.get(c).sequence()), batch.t, prefix, j, n);
                    }
                    float[] vals = act.take(m.create(idx)).toFloatArray();
                    for (int c = 0; c < slots.size(); c++) {
                        Window win = wins.get(c);
                        float v = vals[c * w + centers.get(c) - win.start()];
                        a.quantileWindows.set(slots.get(c), win, v, vals, c * w);
                    }
                }
            }
            afterBatch.run();
        }
    }

    /** Linear indices into a [B,T,N] array of neuron {@code j}'s activations over a window (padded by repeats). */
    private static void fillIndex(long[] idx, int at, int w, Window win, int b, int t, int prefix, int j, int n) {
        for (int i = 0; i < w; i++) {
            int pos = prefix + win.start() + Math.min(i, win.length() - 1);
            idx[at + i] = ((long) b * t + pos) * n + j;
        }
    }
}
