package lantern.collect;

import java.util.Arrays;

/**
 * How to collect.
 *
 * @param layers            layers to collect (null: all)
 * @param topK              top-activating windows kept per neuron
 * @param halfWindow        tokens kept either side of a window's max token (a window holds up to 2h+1)
 * @param batchSize         sequences per forward pass
 * @param seed              seeds the random windows, the quantile samples and the quantile windows
 * @param randomWindows     random windows, the same positions for every neuron
 * @param quantileLevels    probabilities at which activation quantiles are estimated
 * @param quantileSamples   token positions sampled (uniformly, all neurons at once) for the quantile estimate
 * @param quantileBins      bins of the positive per-sequence max for the quantile windows
 * @param perBin            windows drawn from each bin
 * @param quantileSequences sequences sampled for the quantile windows (a second, small pass)
 */
public record CollectOptions(int[] layers, int topK, int halfWindow, int batchSize, long seed, int randomWindows,
                             double[] quantileLevels, int quantileSamples, int quantileBins, int perBin,
                             int quantileSequences) {
    public static final double[] DEFAULT_LEVELS = {0.5, 0.9, 0.99, 0.999};

    public CollectOptions {
        if (topK < 1) throw new IllegalArgumentException("top-k must be at least 1: " + topK);
        if (halfWindow < 0) throw new IllegalArgumentException("half window must be >= 0: " + halfWindow);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1: " + batchSize);
        if (randomWindows < 0 || quantileBins < 0 || perBin < 0 || quantileSequences < 0 || quantileSamples < 0) {
            throw new IllegalArgumentException("window and sample counts must be >= 0");
        }
        for (double q : quantileLevels) if (!(q >= 0 && q <= 1)) throw new IllegalArgumentException("quantile level not in [0,1]: " + q);
        quantileLevels = quantileLevels.clone();
        layers = layers == null ? null : layers.clone();
    }

    public static CollectOptions defaults() {
        return new CollectOptions(null, 20, 16, 32, 0L, 20, DEFAULT_LEVELS, 2000, 5, 2, 100);
    }

    public CollectOptions withLayers(int... l) {
        return new CollectOptions(l, topK, halfWindow, batchSize, seed, randomWindows, quantileLevels, quantileSamples,
                quantileBins, perBin, quantileSequences);
    }

    public CollectOptions withTopK(int k) {
        return new CollectOptions(layers, k, halfWindow, batchSize, seed, randomWindows, quantileLevels, quantileSamples,
                quantileBins, perBin, quantileSequences);
    }

    public CollectOptions withSeed(long s) {
        return new CollectOptions(layers, topK, halfWindow, batchSize, s, randomWindows, quantileLevels, quantileSamples,
                quantileBins, perBin, quantileSequences);
    }

    public CollectOptions withBatchSize(int b) {
        return new CollectOptions(layers, topK, halfWindow, b, seed, randomWindows, quantileLevels, quantileSamples,
                quantileBins, perBin, quantileSequences);
    }

    public CollectOptions withHalfWindow(int h) {
        return new CollectOptions(layers, topK, h, batchSize, seed, randomWindows, quantileLevels, quantileSamples,
                quantileBins, perBin, quantileSequences);
    }

    public int windowWidth() {
        return 2 * halfWindow + 1;
    }

    /** The layers to collect for a model with {@code modelLayers}, checked. */
    public int[] resolveLayers(int modelLayers) {
        int[] l = layers == null ? java.util.stream.IntStream.range(0, modelLayers).toArray() : layers;
        if (l.length == 0) throw new IllegalArgumentException("no layers to collect");
        for (int x : l) {
            if (x < 0 || x >= modelLayers) throw new IllegalArgumentException("layer " + x + " outside 0.." + (modelLayers - 1));
        }
        if (Arrays.stream(l).distinct().count() != l.length) throw new IllegalArgumentException("layers repeat: " + Arrays.toString(l));
        return l.clone();
    }
}
