package lantern.collect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * The running state of one layer during a collection: what the main pass has accumulated so far over the batches
 * digested (exact sums, positive counts, maxima, top windows, random-window activations, sampled token rows, the
 * quantile sequences' maxima) and, after it, the quantile windows. Two states of disjoint batch sets {@link #merge}
 * into the state of their union, exactly. {@link #save}/{@link #restore} carry the main-pass state through a
 * checkpoint or between processes; what is written depends only on the batches digested, not on their order.
 */
final class LayerState {
    final int layer;
    final int n;
    final ExactSums sums;
    final long[] positive;
    final float[] max;
    final TopWindows top;
    final float[] random;
    /** Sampled token rows ({@code n} floats each), one array per batch that drew any, by ascending batch index. */
    final List<float[]> samples = new ArrayList<>();
    /** The batch index of each of {@link #samples}. */
    final List<Integer> sampleBatches = new ArrayList<>();
    final float[] qMax;
    final int[] qCenter;
    int[] qSlot = new int[0];
    final LayerResult.Slots quantileWindows;
    private final CollectOptions opt;
    /** This layer's activations of the current batch, reused from batch to batch (only the prefix is valid). */
    private float[] buffer = new float[0];
    /** The current batch's sums, in the batch's fixed sequence order, before they are added exactly. */
    final double[] batchSum;

    LayerState(int layer, int n, int randomCount, int quantileSeqs, CollectOptions opt) {
        this.layer = layer;
        this.n = n;
        this.opt = opt;
        sums = new ExactSums(n);
        positive = new long[n];
        batchSum = new double[n];
        max = new float[n];
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
        top = new TopWindows(n, opt.topK(), opt.windowWidth());
        random = new float[n * randomCount * opt.windowWidth()];
        qMax = new float[quantileSeqs * n];
        qCenter = new int[quantileSeqs * n];
        quantileWindows = new LayerResult.Slots(n, opt.quantileBins() * opt.perBin(), opt.windowWidth());
    }

    /** Copies a batch's [B,T,N] activations into {@link #buffer} (one memcpy from the tensor's memory). */
    float[] copyOut(NDArray act) {
        NDArray f = act.toType(DataType.FLOAT32, false);
        int size = Math.toIntExact(f.size());
        if (buffer.length < size) buffer = new float[size];
        f.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().get(buffer, 0, size);
        return buffer;
    }

    /** Keeps batch {@code index}'s sampled token rows (batches are digested in ascending order within a state). */
    void addSamples(int index, float[] rows) {
        if (!sampleBatches.isEmpty() && sampleBatches.getLast() >= index) {
            throw new IllegalStateException("batch " + index + " sampled after batch " + sampleBatches.getLast());
        }
        samples.add(rows);
        sampleBatches.add(index);
    }

    /**
     * Adds {@code other}, the same layer's state over other batches ({@code otherBatches}, disjoint from this one's),
     * into this one: the result is the state of both batch sets, bit for bit what digesting them all in one run gives.
     */
    void merge(LayerState other, CollectionPlan plan, BitSet otherBatches) {
        if (other.layer != layer || other.n != n || other.random.length != random.length || other.qMax.length != qMax.length) {
            throw new IllegalArgumentException("layer " + other.layer + " of width " + other.n + " merged into layer "
                    + layer + " of width " + n);
        }
        sums.addAll(other.sums);
        for (int j = 0; j < n; j++) {
            positive[j] += other.positive[j];
            max[j] = Math.max(max[j], other.max[j]);
        }
        top.merge(other.top);
        int w = opt.windowWidth(), rCount = plan.randomWindows.size();
        for (int r = 0; r < rCount; r++) {
            if (!otherBatches.get(plan.batchOf[plan.randomWindows.get(r).sequence()])) continue;
            for (int j = 0; j < n; j++) System.arraycopy(other.random, (j * rCount + r) * w, random, (j * rCount + r) * w, w);
        }
        for (int q = 0; q < plan.quantileSeqs.length; q++) {
            if (!otherBatches.get(plan.batchOf[plan.quantileSeqs[q]])) continue;
            System.arraycopy(other.qMax, q * n, qMax, q * n, n);
            System.arraycopy(other.qCenter, q * n, qCenter, q * n, n);
        }
        List<float[]> rows = new ArrayList<>(samples.size() + other.samples.size());
        List<Integer> index = new ArrayList<>(rows.size());
        for (int a = 0, b = 0; a < samples.size() || b < other.samples.size(); ) {
            boolean mine = b == other.samples.size() || (a < samples.size() && sampleBatches.get(a) < other.sampleBatches.get(b));
            rows.add(mine ? samples.get(a) : other.samples.get(b));
            index.add(mine ? sampleBatches.get(a++) : other.sampleBatches.get(b++));
        }
        samples.clear();
        samples.addAll(rows);
        sampleBatches.clear();
        sampleBatches.addAll(index);
    }

    /**
     * Writes the main pass's state. The quantile-window fields ({@code qSlot}, {@code quantileWindows}) are not
     * written: they are only filled by the second pass, after the last batch.
     */
    void save(StateOut out) throws IOException {
        out.putInt(layer).putInt(n);
        sums.save(out);
        out.putLongs(positive).putFloats(max);
        top.save(out);
        out.putFloats(random).putFloats(qMax).putInts(qCenter);
        out.putInt(samples.size());
        for (int i = 0; i < samples.size(); i++) out.putInt(sampleBatches.get(i)).putFloats(samples.get(i));
    }

    /** Reads back what {@link #save} wrote into this fresh state of the same layer and shape. */
    void restore(StateIn in) throws IOException {
        int l = in.getInt(), width = in.getInt();
        if (l != layer || width != n) {
            throw new CorruptCheckpointException("holds layer " + l + " of width " + width + " where layer " + layer
                    + " of width " + n + " was expected");
        }
        sums.restore(in);
        in.longs(positive, "positive counts");
        in.floats(max, "maxima");
        top.restore(in);
        in.floats(random, "random windows");
        in.floats(qMax, "quantile sequence maxima");
        in.ints(qCenter, "quantile sequence centers");
        int chunks = in.getArrayLength(8, "sample batches");
        for (int c = 0; c < chunks; c++) {
            int index = in.getInt();
            if (index < 0 || (!sampleBatches.isEmpty() && index <= sampleBatches.getLast())) {
                throw new CorruptCheckpointException("sampled batch " + index + " out of order");
            }
            float[] s = in.floats("sampled tokens");
            if (s.length % n != 0) throw new CorruptCheckpointException("sampled tokens " + s.length + " not rows of " + n);
            addSamples(index, s);
        }
        for (int i = 0; i < qCenter.length; i++) {
            if (qCenter[i] < 0) throw new CorruptCheckpointException("negative quantile window center");
        }
        for (long p : positive) if (p < 0) throw new CorruptCheckpointException("negative positive count");
    }

    LayerResult finish(long tokens) {
        float[] mean = new float[n];
        float[] frac = new float[n];
        for (int j = 0; j < n; j++) {
            mean[j] = (float) (sums.value(j) / tokens);
            frac[j] = (float) ((double) positive[j] / tokens);
        }
        double[] levels = opt.quantileLevels();
        float[] quantiles = new float[n * levels.length];
        int count = samples.stream().mapToInt(s -> s.length / n).sum();
        if (count > 0) {
            // Columns are gathered a block of neurons at a time: each sample row is then read a cache line at a
            // time instead of one float per line per neuron.
            int block = 16;
            float[][] columns = new float[block][count];
            for (int j0 = 0; j0 < n; j0 += block) {
                int width = Math.min(block, n - j0);
                int at = 0;
                for (float[] s : samples) {
                    for (int r = 0; r < s.length / n; r++, at++) {
                        for (int c = 0; c < width; c++) columns[c][at] = s[r * n + j0 + c];
                    }
                }
                for (int c = 0; c < width; c++) {
                    Arrays.sort(columns[c]);
                    for (int q = 0; q < levels.length; q++) {
                        quantiles[(j0 + c) * levels.length + q] = ActivationCollector.quantile(columns[c], levels[q]);
                    }
                }
            }
        }
        return new LayerResult(layer, n, opt.topK(), opt.windowWidth(), max, mean, frac, quantiles, top.sorted(),
                random, quantileWindows);
    }
}
