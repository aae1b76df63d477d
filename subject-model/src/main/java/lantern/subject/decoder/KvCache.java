package lantern.subject.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of every layer for the positions seen so far, shaped {@code [batch, kvHeads, positions,
 * headDim]} (keys already rotated). Owned by its own manager: close the cache to free them.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int length;

    KvCache(NDManager parent, int layers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Positions already in the cache (the next token's position). */
    public int length() {
        return length;
    }

    /** Appends this step's keys and values and returns the whole history for attention. */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        NDArray newK = keys[layer] == null ? k.duplicate() : keys[layer].concat(k, 2);
        NDArray newV = values[layer] == null ? v.duplicate() : values[layer].concat(v, 2);
        newK.attach(manager);
        newV.attach(manager);
        if (keys[layer] != null) {
            keys[layer].close();
            values[layer].close();
        }
        keys[layer] = newK;
        values[layer] = newV;
        return new NDArray[]{newK, newV};
    }

    void advance(int tokens) {
        length += tokens;
    }

    @Override
    public void close() {
        manager.close();
    }
}
