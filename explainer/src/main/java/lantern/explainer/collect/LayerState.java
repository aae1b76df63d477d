package lantern.explainer.collect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The running state of one layer during a collection: what the main pass has accumulated so far (sums, positive
 * counts, maxima, top windows, random-window activations, sampled token rows, the quantile sequences' maxima) and,
 * after it, the quantile windows. {@link #save}/{@link #restore} carry the main-pass state through a checkpoint.
 */
final class LayerState {
    final int layer;
    final int n;
    final double[] sum;
    final double[] positive;
    final float[] max;
    final TopWindows top;
    final float[] random;
    /** Sampled token rows ({@code n} floats each) in the order they were drawn, one array per batch. */
    final List<float[]> samples = new ArrayList<>();
    final float[] qMax;
    final int[] qCenter;
    int[] qSlot = new int[0];
    final LayerResult.Slots quantileWindows;
    private final CollectOptions opt;
    /** This layer's activations of the current batch, reused from batch to batch (only the prefix is valid). */
    private float[] buffer = new float[0];

    LayerState(int layer, int n, int randomCount, int quantileSeqs, CollectOptions opt) {
        this.layer = layer;
        this.n = n;
        this.opt = opt;
        sum = new double[n];
        positive = new double[n];
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

    /**
     * Writes the main pass's state. The quantile-window fields ({@code qSlot}, {@code quantileWindows}) are not
     * written: they are only filled by the second pass, after the last checkpoint.
     */
    void save(StateOut out) throws IOException {
        out.putInt(layer).putInt(n);
        out.putDoubles(sum).putDoubles(positive).putFloats(max);
        top.save(out);
        out.putFloats(random).putFloats(qMax).putInts(qCenter);
        out.putInt(samples.size());
        for (float[] s : samples) out.putFloats(s);
    }

    /** Reads back what {@link #save} wrote into this fresh state of the same layer and shape. */
    void restore(StateIn in) throws IOException {
        int l = in.getInt(), width = in.getInt();
        if (l != layer || width != n) {
            throw new CorruptCheckpointException("holds layer " + l + " of width " + width + " where layer " + layer
                    + " of width " + n + " was expected");
        }
        in.doubles(sum, "sums");
        in.doubles(positive, "positive counts");
        in.floats(max, "maxima");
        top.restore(in);
        in.floats(random, "random windows");
        in.floats(qMax, "quantile sequence maxima");
        in.ints(qCenter, "quantile sequence centers");
        int chunks = in.getArrayLength(4, "sample batches");
        for (int c = 0; c < chunks; c++) {
            float[] s = in.floats("sampled tokens");
            if (s.length % n != 0) throw new CorruptCheckpointException("sampled tokens " + s.length + " not rows of " + n);
            samples.add(s);
        }
        for (int i = 0; i < qCenter.length; i++) {
            if (qCenter[i] < 0) throw new CorruptCheckpointException("negative quantile window center");
        }
    }

    LayerResult finish(long tokens) {
        float[] mean = new float[n];
        float[] frac = new float[n];
        for (int j = 0; j < n; j++) {
            mean[j] = (float) (sum[j] / tokens);
            frac[j] = (float) (positive[j] / tokens);
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
