package lantern.subject.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.pytorch.jni.JniUtils;
import lantern.subject.Scalars;

/**
 * The MLP's nonlinearities that take more than one libtorch op. Outside autograd each is computed in place in as few
 * arrays of the MLP's size as it can: written out of place, GPT-2's GELU makes eight of them a layer
 * ({@code [32, 64, 3072]}: 25 MB each at GPT-2 small) and SwiGLU three, each fresh memory the kernel must fault in
 * (docs/speed.md, session 13). With gradients recorded (training, integrated gradients) they stay out of place, since
 * autograd needs the intermediates unchanged. Both ways do the same float operations in the same order, so they give
 * the same bits (a pass's activations do not depend on which thread ran it: {@code HookedModelTest}).
 */
final class MlpNonlinearity {
    private MlpNonlinearity() {
    }

    /** GPT-2's GELU (gelu_new): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), with x^3 as two products. */
    static NDArray geluTanh(NDArray x) {
        NDManager m = x.getManager();
        if (JniUtils.isGradMode()) {
            NDArray inner = Scalars.mul(Scalars.mul(x.mul(x).mul(x), 0.044715f).add(x), (float) Math.sqrt(2.0 / Math.PI));
            return Scalars.mul(inner.tanh().add(Scalars.of(m, 1f)).mul(x), 0.5f);
        }
        NDArray out;
        try (NDArray inner = x.mul(x)) {
            inner.muli(x);
            inner.muli(Scalars.of(m, 0.044715f));
            inner.addi(x);
            inner.muli(Scalars.of(m, (float) Math.sqrt(2.0 / Math.PI)));
            out = inner.tanh();
        }
        out.addi(Scalars.of(m, 1f));
        out.muli(x);
        out.muli(Scalars.of(m, 0.5f));
        return out;
    }

    /** SwiGLU's product: silu(gate) * up = gate * sigmoid(gate) * up. */
    static NDArray swiglu(NDArray gate, NDArray up) {
        NDArray s = Activation.sigmoid(gate);
        if (JniUtils.isGradMode()) return gate.mul(s).mul(up);
        s.muli(gate);
        s.muli(up);
        return s;
    }
}
