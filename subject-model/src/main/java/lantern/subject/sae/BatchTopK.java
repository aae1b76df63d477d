package lantern.subject.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;

import java.util.List;

/**
 * The training-time pieces of SAELens's BatchTopK and Matryoshka BatchTopK SAEs.
 *
 * <ul>
 *   <li>BatchTopK activation: ReLU, then of the whole batch's [B, F] activations only the k·B largest are kept (a
 *       token may get more or fewer than k; the batch has exactly k·B active unless fewer are positive).</li>
 *   <li>Threshold: after every step, θ ← (1 − lr)·θ + lr·(smallest positive activation kept), lr = 0.01 in SAELens;
 *       at inference the SAE is a JumpReLU with threshold θ for every feature.</li>
 *   <li>Matryoshka: for every width w of the nested levels but the last (the whole SAE, whose loss is the base
 *       BatchTopK loss), the full-width BatchTopK activations truncated to their first w latents reconstruct the
 *       input from the first w decoder rows, and that squared error (summed over d_in, mean over tokens) is added to
 *       the loss — as SAELens's {@code MatryoshkaBatchTopKTrainingSAE} does (its {@code _iterable_decode} slices the
 *       one set of feature activations). Issue 24 measured the earlier version here, which applied BatchTopK again to
 *       each prefix (so 64 latents had to carry k per token on their own), at MCC 0.60 against BatchTopK's 0.84.</li>
 * </ul>
 */
public final class BatchTopK {
    private BatchTopK() {
    }

    /** ReLU, then the k·B largest of the batch kept in place, the rest zero; {@code pre} is [B, F]. */
    public static NDArray activate(NDArray pre, int k) {
        long b = pre.getShape().get(0);
        long f = pre.getShape().get(1);
        NDArray acts = Activation.relu(pre);
        NDArray flat = acts.reshape(-1);
        int keep = (int) Math.min((long) k * b, b * f);
        NDList top = flat.topK(keep, -1, true, false);
        return flat.zerosLike().scatter(top.get(1), top.get(0), -1).reshape(pre.getShape());
    }

    /** The smallest positive value of {@code acts}, or NaN when none is positive. */
    public static double minPositive(NDArray acts) {
        NDArray notPositive = acts.lte(0f).toType(DataType.FLOAT32, false);
        float min = acts.add(notPositive.mul(Float.MAX_VALUE)).min().getFloat();
        return min == Float.MAX_VALUE || min <= 0 ? Double.NaN : min;
    }

    /** One exponential-moving-average step of the inference threshold, as SAELens's {@code update_topk_threshold}. */
    public static double updateThreshold(double threshold, double minPositive, double lr) {
        if (Double.isNaN(minPositive)) return threshold;
        return (1 - lr) * threshold + lr * minPositive;
    }

    /**
     * Σ over the inner widths (all but the last) of mean over tokens of ‖x − (acts[:, :w] W_dec[:w] + b_dec)‖², with
     * {@code acts} the full-width BatchTopK activations ({@link #activate}): the Matryoshka loss terms added to the
     * base loss.
     */
    public static NDArray prefixLosses(NDArray acts, NDArray x, NDArray wDec, NDArray bDec, List<Integer> widths) {
        NDArray total = null;
        for (int i = 0; i + 1 < widths.size(); i++) {
            int w = widths.get(i);
            NDArray inner = acts.get(new NDIndex(":, :{}", w));
            NDArray recon = inner.matMul(wDec.get(new NDIndex(":{}", w))).add(bDec);
            NDArray l = recon.sub(x).square().sum(new int[]{1}).mean();
            total = total == null ? l : total.add(l);
        }
        return total;
    }

    /**
     * Nested widths for a Matryoshka SAE of {@code features} latents: {@code levels} levels, each twice the one before
     * (the last is all features), none smaller than k. SAELens takes them from its config; this is our default.
     */
    public static List<Integer> doublingWidths(int features, int levels, int k) {
        if (levels < 1) throw new IllegalArgumentException("a Matryoshka SAE needs at least one level");
        java.util.ArrayList<Integer> w = new java.util.ArrayList<>();
        for (int i = levels - 1; i >= 0; i--) {
            int width = (int) Math.max(k, Math.round(features / Math.pow(2, i)));
            if (w.isEmpty() || width > w.get(w.size() - 1)) w.add(width);
        }
        if (w.get(w.size() - 1) != features) w.add(features);
        return List.copyOf(w);
    }

    /** Checks widths as SAELens does: strictly increasing, the first at least k, the last d_sae. */
    public static List<Integer> checkWidths(List<Integer> widths, int features, int k) {
        if (widths == null || widths.isEmpty()) throw new IllegalArgumentException("a Matryoshka SAE needs its level widths");
        for (int i = 1; i < widths.size(); i++) {
            if (widths.get(i) <= widths.get(i - 1)) throw new IllegalArgumentException("Matryoshka widths must be strictly increasing: " + widths);
        }
        if (widths.get(0) < k) throw new IllegalArgumentException("the smallest Matryoshka width cannot be smaller than k: " + widths);
        if (widths.get(widths.size() - 1) != features) throw new IllegalArgumentException("the last Matryoshka width must be d_sae = " + features + ": " + widths);
        return List.copyOf(widths);
    }
}
