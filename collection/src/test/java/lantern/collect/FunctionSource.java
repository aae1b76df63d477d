package lantern.collect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * A deterministic activation source for checking the collector exactly: the activation of neuron n at a token is
 * a known function of (layer, token id, position, neuron), computed in Java so a brute-force reference gets the very
 * same floats. Values repeat (101 levels) so ties are exercised, and some are negative.
 */
final class FunctionSource implements ActivationSource {
    /** A neuron's activation at a token, as a function of (layer, token id, position, neuron). */
    @FunctionalInterface
    interface Activation {
        float at(int layer, long id, int pos, int n);
    }

    final int layers;
    final int width;
    final NDManager manager = NDManager.newBaseManager("PyTorch");
    private final String modelId;
    private final Activation fn;
    private final float padding;

    FunctionSource(int layers, int width) {
        this("fn", layers, width, FunctionSource::f, 99f);
    }

    /** @param padding what padded positions read; it must never reach a statistic */
    FunctionSource(String modelId, int layers, int width, Activation fn, float padding) {
        this.modelId = modelId;
        this.layers = layers;
        this.width = width;
        this.fn = fn;
        this.padding = padding;
    }

    static float f(int layer, long id, int pos, int n) {
        long h = (id * 31 + (long) n * 17 + pos * 7L + layer * 13L) % 101;
        return h / 10f - 3f;
    }

    @Override public String modelId() { return modelId; }
    @Override public int layers() { return layers; }
    @Override public int width() { return width; }
    @Override public NDManager manager() { return manager; }

    @Override
    public List<NDArray> neurons(NDManager m, long[][] ids, int[] lengths, int[] layerList) {
        int b = ids.length, t = ids[0].length;
        List<NDArray> out = new ArrayList<>();
        for (int layer : layerList) {
            float[] a = new float[b * t * width];
            for (int i = 0; i < b; i++)
                for (int p = 0; p < t; p++)
                    for (int n = 0; n < width; n++)
                        a[(i * t + p) * width + n] = p < lengths[i] ? fn.at(layer, ids[i][p], p, n) : padding;
            out.add(m.create(a, new Shape(b, t, width)));
        }
        return out;
    }
}
