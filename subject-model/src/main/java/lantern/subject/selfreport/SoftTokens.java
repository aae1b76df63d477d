package lantern.subject.selfreport;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import lantern.subject.HookFunction;

/**
 * How an activation enters the verbalizer: scaled to unit RMS, mapped by a learned affine map {@code [in, k d]} into
 * {@code k} soft tokens, which replace the embeddings of positions {@code 1..k} (after BOS) at {@code hook_embed}.
 * The same code runs in training (on arrays that record gradients) and in inference.
 */
public final class SoftTokens {
    public static final float EPS = 1e-6f;

    private SoftTokens() {
    }

    /** {@code [B, k, d]} soft tokens from activations {@code [B, in]}. */
    public static NDArray map(NDArray acts, NDArray weight, NDArray bias, int k, int d) {
        NDArray rms = acts.square().mean(new int[]{-1}, true).add(EPS).sqrt();
        NDArray y = acts.div(rms).matMul(weight).add(bias);
        return y.reshape(acts.getShape().get(0), k, d);
    }

    /**
     * A {@code hook_embed} replacement writing {@code soft} ([B, k, d]) at positions 1..k; passes of fewer tokens
     * (later KV-cached generation steps) go through unchanged.
     */
    public static HookFunction at(NDArray soft) {
        long k = soft.getShape().get(1);
        return x -> {
            long t = x.getShape().get(1);
            if (t <= k) return x;
            NDArray s = soft.getManager() == x.getManager() ? soft : soft.duplicate();
            if (s != soft) s.attach(x.getManager());
            NDList parts = new NDList(x.get(new NDIndex(":, 0:1, :")), s, x.get(new NDIndex(":, {}:, :", k + 1)));
            return NDArrays.concat(parts, 1);
        };
    }
}
