package lantern.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The small JSON file that describes a stored collection ({@code manifest.json}).
 *
 * @param saeFingerprint for SAE features: the fingerprint of the SAE weights they were read with
 *                       ({@code SaeFingerprint}), so a collection outlived by a retrained SAE is recognised; null for
 *                       MLP neurons and for SAE collections written before it was recorded (left out of the file
 *                       when null, so neuron manifests keep their old shape)
 */
public record Manifest(int formatVersion, String model, String corpus, String name, String created, long tokens,
                       int sequences, int maxSequenceLength, List<Integer> layers, int width, int topK,
                       int halfWindow, int windowWidth, long seed, int randomWindows, List<Double> quantileLevels,
                       int quantileBins, int perBin, double seconds, double tokensPerSecond, String kind,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String saeFingerprint) {
    public static final int FORMAT_VERSION = 1;

    public Manifest {
        layers = List.copyOf(layers);
        kind = kind == null ? "mlp" : kind; // collections written before kinds existed hold MLP neurons
        quantileLevels = List.copyOf(quantileLevels);
    }
}
