package lantern.explainer.collect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Streams a token stream through the model once, in batches, and keeps for every neuron of the chosen layers its
 * statistics, top-K windows, the activations in shared random windows, a uniform token sample for quantiles and
 * the per-sequence max of a few sampled sequences; a second, small pass over those sequences fetches the windows by
 * activation quantile.
 *
 * <p>Per batch and layer the activations [B,T,N] are copied to the JVM once and digested in one pass per sequence:
 * every neuron's max, argmax, sum and positive count, and the windows of the (sequence, neuron) pairs whose max beats
 * the neuron's current K-th best, read from the same array. One pass over a plain array costs less than the five
 * tensor reductions it replaces (masked max, argmax, sums, positive counts, gathers: 25 ms against ~6 ms per layer of
 * 32 x 66 x 1,536 on one core), and layers are digested in parallel while no forward pass runs.
 *
 * <p>Special tokens ([CLS], [SEP]) are excluded from statistics and windows: they are not text. (OpenAI's
 * neuron-explainer counts every token the model sees; on BERT the special tokens carry outsized activations that
 * would crowd out the text.) Each sequence gives a neuron at most one top window, at its max token, so no two top
 * windows show the same event.
 *
 * <p>A long run survives being killed: with {@link Checkpoints}, the main pass's whole state is written between
 * batches every so often, and a new run of the same collection continues from the latest checkpoint.
 */
public final class ActivationCollector {
    /** Batches' worth of sequences sorted by length together (see {@link #batchesByLength}). */
    static final int SORT_BLOCK = 16;

    private final ActivationSource source;
    private final CollectOptions opt;

    public ActivationCollector(ActivationSource source, CollectOptions options) {
        this.source = source;
        this.opt = options;
    }

    public CollectionResult collect(TokenStream stream, String corpusName, Consumer<Progress> progress) {
        return collect(stream, corpusName, progress, Checkpoints.none());
    }

    /**
     * As {@link #collect(TokenStream, String, Consumer)}, continuing from the checkpoint in {@code checkpoints} when it
     * is of this very run (same source, corpus, token stream and options) and writing new ones as its policy says.
     * The result is the same, bit for bit, as that of a run never interrupted: every accumulator is saved whole at a
     * batch boundary, batches are digested in a fixed order, and each batch's token sample is drawn from a generator
     * seeded by the batch's index alone.
     */
    public CollectionResult collect(TokenStream stream, String corpusName, Consumer<Progress> progress,
                                    Checkpoints checkpoints) {
        long t0 = System.nanoTime();
        int[] layers = opt.resolveLayers(source.layers());
        int n = source.width();
        int sequences = stream.sequences();
        Random rnd = new Random(opt.seed());
        List<Window> randomWindows = randomWindows(stream, rnd);
        int[] quantileSeqs = sampleSequences(sequences, Math.min(opt.quantileSequences(), sequences), new Random(opt.seed() + 1));
        Map<Integer, Integer> quantileIndex = new HashMap<>();
        for (int i = 0; i < quantileSeqs.length; i++) quantileIndex.put(quantileSeqs[i], i);
        Map<Integer, List<Integer>> randomBySeq = new HashMap<>();
        for (int r = 0; r < randomWindows.size(); r++) randomBySeq.computeIfAbsent(randomWindows.get(r).sequence(), x -> new ArrayList<>()).add(r);
        double sampleRate = Math.min(1.0, (double) opt.quantileSamples() / Math.max(1, stream.tokens()));
        List<int[]> batches = batchesByLength(stream, opt.batchSize());
        Supplier<LayerState[]> fresh = () -> {
            LayerState[] a = new LayerState[layers.length];
            for (int i = 0; i < layers.length; i++) a[i] = new LayerState(layers[i], n, randomWindows.size(), quantileSeqs.length, opt);
            return a;
        };

        CheckpointKey key = checkpoints.enabled() ? CheckpointKey.of(source, corpusName, stream, opt, layers, batches.size()) : null;
        long[] tokensBefore = tokensBefore(stream, batches);
        Optional<Checkpoints.Resumed> resumed = key == null ? Optional.empty() : checkpoints.resume(key, tokensBefore, fresh);
        LayerState[] acc = resumed.map(Checkpoints.Resumed::layers).orElseGet(fresh);
        int first = resumed.map(r -> r.position().nextBatch()).orElse(0);
        long done = tokensBefore[first];
        long resumedTokens = done;
        if (resumed.isPresent()) {
            // The clock goes on from the time already spent, so rate, ETA and the stored seconds count all runs.
            t0 = System.nanoTime() - resumed.get().position().elapsedNanos();
            report(progress, "collect", done, stream.tokens(), t0, resumedTokens);
        }

        long lastSave = System.nanoTime();
        int sinceSave = 0;
        for (int bi = first; bi < batches.size(); bi++) {
            int[] seqs = batches.get(bi);
            Batch batch = Batch.of(stream, seqs);
            long[] rows = sampledRows(batch, stream, sampleRate, bi);
            try (NDManager m = source.manager().newSubManager()) {
                List<NDArray> acts = source.neurons(m, batch.ids, batch.lengths, layers);
                // One copy of each layer's [B,T,N] activations, digested in one pass; layers run in parallel (the
                // forward pass has finished, so the cores are free).
                IntStream.range(0, layers.length).parallel().forEach(li -> mainPass(acc[li],
                        acc[li].copyOut(acts.get(li)), batch, stream, randomWindows, randomBySeq, quantileIndex, rows));
            }
            done += batch.textTokens;
            report(progress, "collect", done, stream.tokens(), t0, resumedTokens);
            sinceSave++;
            // Between batches every accumulator is whole. None after the last batch: the short second pass follows.
            if (bi + 1 < batches.size() && checkpoints.due(sinceSave, System.nanoTime() - lastSave)) {
                checkpoints.save(key, new CheckpointFile.Position(bi + 1, done, System.nanoTime() - t0), acc);
                lastSave = System.nanoTime();
                sinceSave = 0;
            }
        }

        quantilePass(acc, layers, stream, quantileSeqs, progress, t0);

        List<LayerResult> results = Arrays.stream(acc).parallel().map(a -> a.finish(stream.tokens())).toList();
        return new CollectionResult(source.modelId(), corpusName, stream, opt, layers, n, randomWindows, results,
                (System.nanoTime() - t0) / 1e9, source.kind());
    }

    /** {@code out[b]}: the text tokens of the batches before batch {@code b} ({@code out[batches.size()]}: all). */
    private static long[] tokensBefore(TokenStream stream, List<int[]> batches) {
        long[] out = new long[batches.size() + 1];
        for (int b = 0; b < batches.size(); b++) {
            long t = 0;
            for (int s : batches.get(b)) t += stream.length(s);
            out[b + 1] = out[b] + t;
        }
        return out;
    }

    /**
     * The rows ({@code b * T + position}) of batch {@code index}'s text tokens sampled for the quantile estimate, each
     * with probability {@code rate}. The generator is seeded from (seed, batch index) alone, so a run resumed at any
     * batch draws exactly what an uninterrupted run draws, with no generator state to carry over.
     */
    private long[] sampledRows(Batch batch, TokenStream stream, double rate, int index) {
        int prefix = stream.prefix().length;
        SplittableRandom rnd = new SplittableRandom(mix64(mix64(opt.seed() + 2) + index));
        long[] rows = new long[16];
        int count = 0;
        for (int b = 0; b < batch.size; b++) {
            for (int t = 0; t < stream.length(batch.seqs[b]); t++) {
                if (rate >= 1 || rnd.nextDouble() < rate) {
                    if (count == rows.length) rows = Arrays.copyOf(rows, 2 * count);
                    rows[count++] = (long) b * batch.t + prefix + t;
                }
            }
        }
        return Arrays.copyOf(rows, count);
    }

    /** SplitMix64's finalizer: spreads nearby seeds (seed, seed + 1, ...) over unrelated generator states. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * The per-batch work for one layer over its activations {@code v} [B,T,N], copied out once: per sequence a single
     * pass over the text tokens gives every neuron's max, argmax, sum and positive count; windows are read from the
     * same array.
     */
    private void mainPass(LayerState a, float[] v, Batch batch, TokenStream stream, List<Window> randomWindows,
                          Map<Integer, List<Integer>> randomBySeq, Map<Integer, Integer> quantileIndex, long[] sampledRows) {
        int n = a.n;
        int w = opt.windowWidth();
        int prefix = stream.prefix().length;
        float[] seqMax = new float[n];
        float[] seqSum = new float[n];
        int[] seqPositive = new int[n];
        float[] window = new float[w];
        for (int b = 0; b < batch.size; b++) {
            int s = batch.seqs[b];
            int len = stream.length(s);
            int first = (b * batch.t + prefix) * n;  // the sequence's first text token
            Arrays.fill(seqMax, Float.NEGATIVE_INFINITY);
            Arrays.fill(seqSum, 0f);
            Arrays.fill(seqPositive, 0);
            for (int i = 0; i < len; i++) {
                int base = first + i * n;
                // Branch-free so the JIT vectorizes it; the argmax is found later, only where it is needed.
                for (int j = 0; j < n; j++) {
                    float x = v[base + j];
                    seqSum[j] += x;
                    seqMax[j] = Math.max(seqMax[j], x);
                    // x > 0 as 0 or 1 in integer ops (a compare-and-add does not vectorize): max(x, +0) has the
                    // bits of +0 unless x > 0; adding 0x7fffffff carries into the sign bit exactly when bits >= 1.
                    seqPositive[j] += (Float.floatToRawIntBits(Math.max(x, 0f)) + 0x7fffffff) >>> 31;
                }
            }
            Integer qi = quantileIndex.get(s);
            for (int j = 0; j < n; j++) {
                a.sum[j] += seqSum[j];
                a.positive[j] += seqPositive[j];
                a.max[j] = Math.max(a.max[j], seqMax[j]);
                boolean top = a.top.beats(j, seqMax[j], s);
                if (!top && qi == null) continue;
                int center = argMax(v, first, n, j, len, seqMax[j]);
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
            List<Integer> rs = randomBySeq.get(s);
            if (rs == null) continue;
            int rCount = randomWindows.size();
            for (int r : rs) {
                Window win = randomWindows.get(r);
                for (int i = 0; i < win.length(); i++) {
                    int base = (b * batch.t + prefix + win.start() + i) * n;
                    for (int j = 0; j < n; j++) a.random[(j * rCount + r) * w + i] = v[base + j];
                }
            }
        }
        // Uniform token sample (all neurons at once) for the quantile estimate.
        if (sampledRows.length > 0) {
            float[] sample = new float[sampledRows.length * n];
            for (int r = 0; r < sampledRows.length; r++) System.arraycopy(v, (int) sampledRows[r] * n, sample, r * n, n);
            a.samples.add(sample);
        }
    }

    /**
     * The stream's sequences in batches of similar length, so little of each forward pass is padding: every
     * {@link #SORT_BLOCK} batches' worth of sequences (in stream order) are sorted by length (stable) and cut into
     * batches. On Brown in sequences of 64 this raises the real share of the tokens run from 0.77 to 0.97.
     */
    public static List<int[]> batchesByLength(TokenStream stream, int batchSize) {
        int sequences = stream.sequences();
        int block = batchSize * SORT_BLOCK;
        List<int[]> out = new ArrayList<>();
        for (int from = 0; from < sequences; from += block) {
            int to = Math.min(sequences, from + block);
            Integer[] order = new Integer[to - from];
            for (int i = 0; i < order.length; i++) order[i] = from + i;
            Arrays.sort(order, java.util.Comparator.comparingInt(stream::length));
            for (int i = 0; i < order.length; i += batchSize) {
                int[] seqs = new int[Math.min(batchSize, order.length - i)];
                for (int k = 0; k < seqs.length; k++) seqs[k] = order[i + k];
                out.add(seqs);
            }
        }
        return out;
    }

    /** The first text token of a sequence where neuron {@code j} reaches {@code max}. */
    private static int argMax(float[] v, int first, int n, int j, int len, float max) {
        for (int i = 0; i < len; i++) if (v[first + i * n + j] == max) return i;
        return 0;
    }

    /** Linear indices into a [B,T,N] array of neuron {@code j}'s activations over a window (padded by repeats). */
    private static void fillIndex(long[] idx, int at, int w, Window win, int b, int t, int prefix, int j, int n) {
        for (int i = 0; i < w; i++) {
            int pos = prefix + win.start() + Math.min(i, win.length() - 1);
            idx[at + i] = ((long) b * t + pos) * n + j;
        }
    }

    /**
     * Windows by activation quantile: per neuron, the sampled sequences whose max is positive are sorted by that
     * max and cut into equal-count bins; {@code perBin} are drawn from each and fetched in a second pass.
     */
    private void quantilePass(LayerState[] acc, int[] layers, TokenStream stream, int[] quantileSeqs, Consumer<Progress> progress, long t0) {
        int bins = opt.quantileBins(), perBin = opt.perBin();
        if (bins == 0 || perBin == 0 || quantileSeqs.length == 0) return;
        int n = source.width();
        int w = opt.windowWidth();
        int prefix = stream.prefix().length;
        java.util.TreeSet<Integer> needed = new java.util.TreeSet<>();
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
                    java.util.Collections.shuffle(members, r);
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
                List<NDArray> acts = source.neurons(m, batch.ids, batch.lengths, layers);
                for (int li = 0; li < layers.length; li++) {
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
            report(progress, "quantile windows", stream.tokens(), stream.tokens(), t0, 0);
        }
    }

    private List<Window> randomWindows(TokenStream stream, Random rnd) {
        int count = Math.min(opt.randomWindows(), stream.sequences());
        int[] seqs = sampleSequences(stream.sequences(), count, rnd);
        Arrays.sort(seqs);
        List<Window> out = new ArrayList<>();
        for (int s : seqs) {
            int center = rnd.nextInt(stream.length(s));
            out.add(Window.around(s, center, stream.length(s), opt.halfWindow()));
        }
        return List.copyOf(out);
    }

    /** {@code count} distinct sequence indices out of {@code total}, ascending. */
    static int[] sampleSequences(int total, int count, Random rnd) {
        int[] all = new int[total];
        for (int i = 0; i < total; i++) all[i] = i;
        for (int i = 0; i < count; i++) {
            int j = i + rnd.nextInt(total - i);
            int tmp = all[i];
            all[i] = all[j];
            all[j] = tmp;
        }
        int[] out = Arrays.copyOf(all, count);
        Arrays.sort(out);
        return out;
    }

    private static void report(Consumer<Progress> progress, String phase, long done, long total, long t0, long resumedTokens) {
        if (progress == null) return;
        double secs = Math.max(1e-9, (System.nanoTime() - t0) / 1e9);
        double rate = done / secs;
        long etaSecs = rate > 0 ? (long) ((total - done) / rate) : 0;
        progress.accept(new Progress(phase, done, total, rate, java.time.Duration.ofSeconds(etaSecs), resumedTokens));
    }

    /** One batch of sequences, right-padded. */
    private static final class Batch {
        final int size;
        final int t;
        final long[][] ids;
        final int[] lengths;
        final long textTokens;
        final int[] seqs;

        private Batch(TokenStream stream, int[] seqs) {
            this.seqs = seqs.clone();
            size = seqs.length;
            int extra = stream.prefix().length + stream.suffix().length;
            int maxT = 0;
            for (int s : seqs) maxT = Math.max(maxT, stream.length(s) + extra);
            t = maxT;
            ids = new long[size][t];
            lengths = new int[size];
            long text = 0;
            for (int b = 0; b < size; b++) {
                long[] row = stream.modelIds(seqs[b]);
                System.arraycopy(row, 0, ids[b], 0, row.length);
                lengths[b] = row.length;
                int len = stream.length(seqs[b]);
                text += len;
            }
            textTokens = text;
        }

        static Batch of(TokenStream stream, int[] seqs) {
            return new Batch(stream, seqs);
        }
    }

    /** Linear interpolation between the order statistics of a sorted sample. */
    static float quantile(float[] sorted, double level) {
        double pos = level * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return (float) (sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]));
    }
}
