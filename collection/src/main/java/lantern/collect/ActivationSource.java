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

    /** Receives one layer's activations while a pass runs ({@code index} into the layers asked for). */
    @FunctionalInterface
    interface LayerSink {
        void accept(int index, NDArray activations);
    }

    /**
     * Runs one batch as {@link #neurons(NDManager, long[][], int[], int[])} does, but hands each layer's
     * {@code [B, T, width]} activations to {@code sink} as soon as the pass has them. The array is only valid during
     * the call (the sink copies what it keeps), so a source may let the pass free it and reuse its memory for the next
     * layer instead of holding every layer to the end of the pass. This default runs the list form and hands over
     * its arrays in order.
     */
    default void neurons(NDManager m, long[][] ids, int[] lengths, int[] layers, LayerSink sink) {
        List<NDArray> acts = neurons(m, ids, lengths, layers);
        for (int i = 0; i < acts.size(); i++) sink.accept(i, acts.get(i));
    }

    /** The feature kind these activations are: "mlp" for neurons, the SAE's kind for SAE features. */
    default String kind() {
        return "mlp";
    }

    /** The fingerprint of the SAE weights the features come from, recorded in the manifest; null for neurons. */
    default String saeFingerprint() {
        return null;
    }
}
