package lantern.collect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.List;

/** Where neuron activations come from: one batched forward pass that keeps only the layers asked for. */
public interface ActivationSource {
    String modelId();

    int layers();

    /** Neurons per layer. */
    int width();

    /** The manager to make per-batch sub-managers of (the model's own, so temporaries die with each batch). */
    NDManager manager();

    /**
     * Runs one batch of right-padded ids and returns, for each of {@code layers} in order, the MLP neuron
     * activations {@code [B, T, width]} (float32) attached to {@code m}.
     */
    List<NDArray> neurons(NDManager m, long[][] ids, int[] lengths, int[] layers);

    /** The feature kind these activations are: "mlp" for neurons, the SAE's kind for SAE features. */
    default String kind() {
        return "mlp";
    }

    /** The fingerprint of the SAE weights the features come from, recorded in the manifest; null for neurons. */
    default String saeFingerprint() {
        return null;
    }
}
