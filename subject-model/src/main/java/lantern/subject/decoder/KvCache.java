package lantern.subject.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every layer for the positions seen so far, shaped {@code [batch, kvHeads, positions,
 * headDim]} (keys already rotated). Owned by its own manager: close the cache to free them.
 *
 * <p>Each layer's keys and values live in a buffer with room for more positions (it doubles when full, up to the
 * context length): a step writes its own positions in place and attention reads a view of the filled part. Appending
 * by concatenation copied the whole history every step, a fifth of a GPT-2-small generation step on one thread. The
 * view has the layout the concatenated array had within each head (positions x headDim, row-major), so attention runs
 * the same products on the same numbers.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final int contextLength;
    private final NDArray[] keys;
    private final NDArray[] values;
    /** Positions each layer's buffers hold so far (layers fill one after another within a step). */
    private final int[] filled;
    private int length;

    KvCache(NDManager parent, int layers, int contextLength) {
        this.manager = parent.newSubManager();
        this.contextLength = contextLength;
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        this.filled = new int[layers];
    }

    /** Positions already in the cache (the next token's position). */
    public int length() {
        return length;
    }

    /**
     * Appends this step's keys and values and returns the whole history for attention: views of the buffers, attached
     * to {@code k}'s manager (closing them frees no buffer).
     */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        int at = filled[layer];
        int end = at + Math.toIntExact(k.getShape().get(2));
        keys[layer] = room(keys[layer], k, at, end);
        values[layer] = room(values[layer], v, at, end);
        NDIndex slot = new NDIndex(":, :, {}:{}", at, end);
        keys[layer].set(slot, k);
        values[layer].set(slot, v);
        filled[layer] = end;
        NDIndex history = new NDIndex(":, :, 0:{}", end);
        NDArray hk = keys[layer].get(history);
        NDArray hv = values[layer].get(history);
        hk.attach(k.getManager());
        hv.attach(k.getManager());
        return new NDArray[]{hk, hv};
    }

    /** {@code buffer}, or a larger one holding its first {@code at} positions, with room for {@code end}. */
    private NDArray room(NDArray buffer, NDArray like, int at, int end) {
        long capacity = buffer == null ? 0 : buffer.getShape().get(2);
        if (end <= capacity) return buffer;
        long grown = Math.max(end, Math.min(contextLength, Math.max(64, 2 * capacity)));
        Shape s = like.getShape();
        NDArray bigger = manager.zeros(new Shape(s.get(0), s.get(1), grown, s.get(3)), like.getDataType());
        if (buffer != null) {
            if (at > 0) {
                try (NDArray old = buffer.get(new NDIndex(":, :, 0:{}", at))) {
                    bigger.set(new NDIndex(":, :, 0:{}", at), old);
                }
            }
            buffer.close();
        }
        return bigger;
    }

    void advance(int tokens) {
        length += tokens;
    }

    @Override
    public void close() {
        manager.close();
    }
}
