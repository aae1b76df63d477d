package lantern.subject;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's intra-op threads. {@link #set} from a thread sets that thread's count and the process default every
 * thread that has not run a libtorch op yet starts from (libtorch reads it once per thread); the launcher's
 * {@code -Dai.djl.pytorch.num_threads} sets the same default when libtorch loads. Results do not depend on it.
 */
public final class NativeThreads {
    private NativeThreads() {
    }

    /** Sets libtorch's intra-op threads for the calling thread (and as the process default), loading libtorch if needed. */
    public static void set(int threads) {
        if (threads < 1) throw new IllegalArgumentException("native threads must be at least 1, got " + threads);
        MklDispatch.ensure(); // before libtorch loads, as every model load does
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(threads);
    }

    /** The calling thread's intra-op threads. */
    public static int get() {
        MklDispatch.ensure();
        Engine.getEngine("PyTorch");
        return JniUtils.getNumThreads();
    }
}
