package lantern.collect;

/**
 * Everything collected for the neurons of one layer, in flat arrays indexed by neuron (the layout the store
 * writes). For neuron {@code n}, slot {@code j}: window entries at {@code n*K + j}, activations at
 * {@code (n*K + j) * W ...}. Empty slots have sequence -1. Top windows are sorted strongest first; quantile
 * windows are bin-major ({@code perBin} slots per bin, lowest bin first).
 */
public final class LayerResult {
    public final int layer;
    public final int width;
    public final int k;
    public final int w;
    public final float[] max;
    public final float[] mean;
    public final float[] fractionPositive;
    /** {@code [width * levels]} */
    public final float[] quantiles;
    public final Slots top;
    /** Activations of the shared random windows: {@code [width * R * W]}. */
    public final float[] randomActivations;
    public final Slots quantileWindows;

    public LayerResult(int layer, int width, int k, int w, float[] max, float[] mean, float[] fractionPositive,
                       float[] quantiles, Slots top, float[] randomActivations, Slots quantileWindows) {
        this.layer = layer;
        this.width = width;
        this.k = k;
        this.w = w;
        this.max = max;
        this.mean = mean;
        this.fractionPositive = fractionPositive;
        this.quantiles = quantiles;
        this.top = top;
        this.randomActivations = randomActivations;
        this.quantileWindows = quantileWindows;
    }

    /** {@code perNeuron} window slots for each neuron. */
    public static final class Slots {
        public final int perNeuron;
        public final int windowWidth;
        public final int[] seq;
        public final int[] start;
        public final int[] length;
        public final float[] value;
        public final float[] activations;

        public Slots(int neurons, int perNeuron, int windowWidth) {
            this.perNeuron = perNeuron;
            this.windowWidth = windowWidth;
            int n = neurons * perNeuron;
            seq = new int[n];
            java.util.Arrays.fill(seq, -1);
            start = new int[n];
            length = new int[n];
            value = new float[n];
            activations = new float[n * windowWidth];
        }

        /** Writes every slot (a checkpoint of a collection in progress). */
        void save(StateOut out) throws java.io.IOException {
            out.putInts(seq).putInts(start).putInts(length).putFloats(value).putFloats(activations);
        }

        /** Reads back what {@link #save} wrote into these (empty) slots of the same shape. */
        void restore(StateIn in) throws java.io.IOException {
            in.ints(seq, "window sequences");
            in.ints(start, "window starts");
            in.ints(length, "window lengths");
            in.floats(value, "window values");
            in.floats(activations, "window activations");
            for (int i = 0; i < seq.length; i++) {
                if (length[i] < 0 || length[i] > windowWidth) {
                    throw new CorruptCheckpointException("window length " + length[i] + " outside 0.." + windowWidth);
                }
            }
        }

        public void set(int slot, Window win, float v, float[] acts, int actsOffset) {
            seq[slot] = win.sequence();
            start[slot] = win.start();
            length[slot] = win.length();
            value[slot] = v;
            System.arraycopy(acts, actsOffset, activations, slot * windowWidth, win.length());
            java.util.Arrays.fill(activations, slot * windowWidth + win.length(), (slot + 1) * windowWidth, 0f);
        }
    }
}
