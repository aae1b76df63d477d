package lantern.subject.sae;

import ai.djl.ndarray.NDArray;

/**
 * Activations of one hook at real tokens, one row per token: {@code data} is [tokens, width] on its manager.
 *
 * @param texts  how many texts the tokens came from
 */
public record TokenActivations(String hook, NDArray data, int texts) {
    public long tokens() {
        return data.getShape().get(0);
    }

    public int width() {
        return (int) data.getShape().get(1);
    }
}
