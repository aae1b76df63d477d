package lantern.explainer.collect;

import java.util.List;

/** The small JSON file that describes a stored collection ({@code manifest.json}). */
public record Manifest(int formatVersion, String model, String corpus, String name, String created, long tokens,
                       int sequences, int maxSequenceLength, List<Integer> layers, int width, int topK,
                       int halfWindow, int windowWidth, long seed, int randomWindows, List<Double> quantileLevels,
                       int quantileBins, int perBin, double seconds, double tokensPerSecond, String kind) {
    public static final int FORMAT_VERSION = 1;

    public Manifest {
        layers = List.copyOf(layers);
        kind = kind == null ? "mlp" : kind; // collections written before kinds existed hold MLP neurons
        quantileLevels = List.copyOf(quantileLevels);
    }
}
