package lantern.subject.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import lantern.subject.HookFunction;
import lantern.subject.decoder.DecoderModel;

/**
 * Next-token losses on the probe, and the hook that ablates one head per replicate of the batch (so one forward pass
 * ablates a whole group of heads of a layer, each in its own copy of the rows).
 */
final class HeadAblation {
    private HeadAblation() {
    }

    /** How a head's output ({@code attn.hook_z}) is replaced. */
    enum Mode {
        NONE, ZERO, MEAN;

        static Mode parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "none" -> NONE;
                case "zero" -> ZERO;
                case "mean" -> MEAN;
                default -> throw new lantern.errors.InvalidInputException("ablation must be zero, mean or none, got '" + s + "'");
            };
        }
    }

    /**
     * Replaces {@code attn.hook_z} {@code [g * B, T, heads, d_head]}: in replicate {@code r} (rows {@code r B ..
     * (r + 1) B - 1}) head {@code firstHead + r} becomes zero, or, for the mean, its mean over the B rows of the batch
     * at each position (ARENA's mean ablation); every other head flows on unchanged.
     */
    static HookFunction ablate(Mode mode, int firstHead, int group, int heads) {
        return z -> {
            long[] s = z.getShape().getShape();
            long rows = s[0] / group;
            NDManager m = z.getManager();
            float[] keep = new float[group * heads];
            java.util.Arrays.fill(keep, 1f);
            for (int r = 0; r < group; r++) keep[r * heads + firstHead + r] = 0f;
            NDArray k = m.create(keep, new Shape(group, 1, 1, heads, 1));
            NDArray x = z.reshape(group, rows, s[1], s[2], s[3]);
            NDArray out = x.mul(k);
            if (mode == Mode.MEAN) out = out.add(x.mean(new int[]{1}, true).mul(k.neg().add(1f)));
            return out.reshape(s);
        };
    }

    /**
     * Mean next-token loss (nats) per replicate: {@code output} holds {@code group} copies of the probe's rows; the
     * positions {@code from .. from + count - 1} predict the tokens one further on.
     */
    static double[] loss(DecoderModel lm, NDArray output, RepeatedTokens probe, int group, int from, int count) {
        long[][] rows = probe.rows();
        int b = rows.length;
        long[] targets = new long[group * b * count];
        for (int r = 0; r < group; r++) {
            for (int row = 0; row < b; row++) {
                for (int k = 0; k < count; k++) targets[(r * b + row) * count + k] = rows[row][from + k + 1];
            }
        }
        NDManager m = output.getManager();
        NDArray logp = lm.logits(output.get(new NDIndex(":, {}:{}, :", from, from + count))).logSoftmax(-1);
        float[] picked = logp.gather(m.create(targets, new Shape(group * b, count, 1)), 2).toFloatArray();
        double[] out = new double[group];
        for (int r = 0; r < group; r++) {
            double sum = 0;
            for (int i = r * b * count; i < (r + 1) * b * count; i++) sum -= picked[i];
            out[r] = sum / ((double) b * count);
        }
        return out;
    }

    /** The probe's rows, {@code group} times over. */
    static long[][] replicate(RepeatedTokens probe, int group) {
        long[][] rows = probe.rows();
        long[][] out = new long[group * rows.length][];
        for (int r = 0; r < group; r++) {
            for (int row = 0; row < rows.length; row++) out[r * rows.length + row] = rows[row];
        }
        return out;
    }
}
