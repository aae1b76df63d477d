package lantern.collect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.List;

/**
 * Passes every call to another source; a subclass overrides only what it changes (the bench times the forward
 * passes, tests make a run die or slow down part-way).
 */
public abstract class ForwardingActivationSource implements ActivationSource {
    protected final ActivationSource inner;

    protected ForwardingActivationSource(ActivationSource inner) {
        this.inner = inner;
    }

    @Override
    public String modelId() {
        return inner.modelId();
    }

    @Override
    public int layers() {
        return inner.layers();
    }

    @Override
    public int width() {
        return inner.width();
    }

    @Override
    public NDManager manager() {
        return inner.manager();
    }

    @Override
    public List<NDArray> neurons(NDManager m, long[][] ids, int[] lengths, int[] layers) {
        return inner.neurons(m, ids, lengths, layers);
    }

    @Override
    public String kind() {
        return inner.kind();
    }

    @Override
    public String saeFingerprint() {
        return inner.saeFingerprint();
    }
}
