package lantern.collect;

import java.util.List;

/**
 * What one collection produced, in memory, before it is stored.
 *
 * @param randomWindows the random windows, the same for every neuron
 * @param seconds       wall time of the collection (both passes)
 */
public record CollectionResult(String modelId, String corpus, TokenStream stream, CollectOptions options, int[] layers,
                               int width, List<Window> randomWindows, List<LayerResult> layerResults, double seconds,
                               String kind) {
    public LayerResult layer(int layer) {
        for (LayerResult r : layerResults) if (r.layer == layer) return r;
        throw new lantern.errors.NotFoundException("layer " + layer + " was not collected");
    }
}
