package lantern.subject;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Arithmetic with a number that autograd can differentiate safely.
 *
 * <p>DJL's PyTorch {@code x.mul(0.25)} (and {@code div}, {@code pow}, {@code maximum} ... with a number) wraps the
 * number in a 0-dim array whose memory is a Java direct buffer ({@code torch::from_blob}), runs the op and closes
 * that array at once, which drops the Java side's last reference to the buffer. Without gradients that is harmless.
 * With gradients, autograd keeps the array for the backward pass ({@code mul} saves its other operand, {@code pow}
 * its exponent), and once a garbage collection has run the buffer's cleaner, the backward pass reads freed memory:
 * the gradient is wrong (typically 0), and only when a collection happened to run between the forward and the
 * backward pass (issue 22: two identical verbalizer trainings parted at step 2 or 3 in one run out of many, and every
 * time under a small young generation). Here the number lives in memory libtorch owns (a clone of DJL's array), so
 * what autograd saved stays valid; values, dtypes and so results are exactly those of DJL's own number overloads.
 */
public final class Scalars {
    private Scalars() {
    }

    /** {@code v} as a 0-dim array in {@code m}, of the dtype DJL gives that number, in libtorch-owned memory. */
    public static NDArray of(NDManager m, Number v) {
        try (NDArray javaBacked = m.create(v)) {
            return javaBacked.duplicate();
        }
    }

    /** {@code x * v}. */
    public static NDArray mul(NDArray x, Number v) {
        return x.mul(of(x.getManager(), v));
    }

    /** {@code x ^ v}. */
    public static NDArray pow(NDArray x, Number v) {
        return x.pow(of(x.getManager(), v));
    }

    /** {@code max(x, v)} element-wise. */
    public static NDArray maximum(NDArray x, Number v) {
        return x.maximum(of(x.getManager(), v));
    }
}
