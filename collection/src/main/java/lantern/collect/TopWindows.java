package lantern.collect;

import java.io.IOException;
import java.util.Arrays;

/**
 * The K strongest windows of every neuron of one layer, one per sequence. A neuron's slots form an unsorted set
 * whose weakest member is replaced when a stronger sequence arrives; {@link #beats} compares with each neuron's entry
 * bar (its weakest member once its K slots are full) so a batch's candidates cost one comparison per
 * (sequence, neuron). Windows are ordered by (max desc, sequence asc), whatever order sequences arrive in, so the
 * result equals "sort by (max desc, sequence asc), take K".
 */
final class TopWindows {
    final LayerResult.Slots slots;
    private final float[] threshold;
    private final int[] thresholdSeq;
    private final int[] weakestSlot;
    private final int k;
    private final int[] count;

    TopWindows(int neurons, int k, int windowWidth) {
        this.k = k;
        this.slots = new LayerResult.Slots(neurons, k, windowWidth);
        this.threshold = new float[neurons];
        Arrays.fill(threshold, Float.NEGATIVE_INFINITY);
        this.thresholdSeq = new int[neurons];
        this.weakestSlot = new int[neurons];
        this.count = new int[neurons];
    }

    /** True when a window of neuron {@code n} with this max in sequence {@code seq} would enter its top K. */
    boolean beats(int n, float value, int seq) {
        return count[n] < k || value > threshold[n] || (value == threshold[n] && seq < thresholdSeq[n]);
    }

    /** Offers a window of neuron {@code n}; a window that does not {@link #beats beat} the bar is ignored. */
    void offer(int n, Window win, float value, float[] acts, int offset) {
        if (!beats(n, value, win.sequence())) return;
        int base = n * k;
        if (count[n] < k) {
            slots.set(base + count[n], win, value, acts, offset);
            if (++count[n] == k) raiseBar(n);
            return;
        }
        slots.set(weakestSlot[n], win, value, acts, offset);
        raiseBar(n);
    }

    private void raiseBar(int n) {
        int w = weakest(n);
        weakestSlot[n] = w;
        threshold[n] = slots.value[w];
        thresholdSeq[n] = slots.seq[w];
    }

    /** The weakest slot: lowest value, and among equals the latest sequence. */
    private int weakest(int n) {
        int base = n * k;
        int w = base;
        for (int j = base + 1; j < base + count[n]; j++) {
            float v = slots.value[j];
            if (v < slots.value[w] || (v == slots.value[w] && slots.seq[j] > slots.seq[w])) w = j;
        }
        return w;
    }

    /**
     * Offers every window {@code other} holds (of other sequences than this one's): the result is the top K of both,
     * the same whichever of the two is merged into which.
     */
    void merge(TopWindows other) {
        if (other.k != k || other.count.length != count.length || other.slots.windowWidth != slots.windowWidth) {
            throw new IllegalArgumentException("top windows of another shape");
        }
        LayerResult.Slots o = other.slots;
        for (int n = 0; n < count.length; n++) {
            for (int s = n * k; s < n * k + other.count[n]; s++) {
                offer(n, new Window(o.seq[s], o.start[s], o.length[s]), o.value[s], o.activations, s * o.windowWidth);
            }
        }
    }

    /**
     * Writes the slots strongest first, so the bytes depend only on which windows are held, not on the order they
     * arrived in (a merged state and a single run's write the same bytes).
     */
    void save(StateOut out) throws IOException {
        sorted().save(out);
    }

    /** Reads back what {@link #save} wrote, into this (empty) instance of the same shape, and rebuilds the bars. */
    void restore(StateIn in) throws IOException {
        slots.restore(in);
        for (int n = 0; n < count.length; n++) {
            int c = 0;
            while (c < k && slots.seq[n * k + c] >= 0) c++;
            for (int j = c; j < k; j++) {
                if (slots.seq[n * k + j] != -1) throw new CorruptCheckpointException("top-k slots of neuron " + n + " have a gap");
            }
            count[n] = c;
            if (c == k) raiseBar(n);
        }
    }

    /** Sorts every neuron's slots strongest first (empty slots last). */
    LayerResult.Slots sorted() {
        int neurons = threshold.length;
        LayerResult.Slots out = new LayerResult.Slots(neurons, k, slots.windowWidth);
        Integer[] order = new Integer[k];
        for (int n = 0; n < neurons; n++) {
            int base = n * k;
            int c = count[n];
            for (int j = 0; j < c; j++) order[j] = base + j;
            Arrays.sort(order, 0, c, (a, b) -> {
                int byValue = Float.compare(slots.value[b], slots.value[a]);
                return byValue != 0 ? byValue : Integer.compare(slots.seq[a], slots.seq[b]);
            });
            for (int j = 0; j < c; j++) {
                int from = order[j];
                out.seq[base + j] = slots.seq[from];
                out.start[base + j] = slots.start[from];
                out.length[base + j] = slots.length[from];
                out.value[base + j] = slots.value[from];
                System.arraycopy(slots.activations, from * slots.windowWidth, out.activations, (base + j) * slots.windowWidth, slots.windowWidth);
            }
        }
        return out;
    }
}
