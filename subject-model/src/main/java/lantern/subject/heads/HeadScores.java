package lantern.subject.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * TransformerLens' three head scores on a {@link RepeatedTokens} probe, read off one layer's attention pattern
 * {@code [batch, heads, query, key]}, each averaged over the rows and over the N query positions of the second copy
 * (position {@code s_k} holds token {@code r_k}, whose first occurrence is at {@code f_k}):
 * <ul>
 *   <li>previous-token: attention from {@code s_k} to {@code s_k - 1};</li>
 *   <li>duplicate-token: attention to {@code f_k}, the same token in the first copy;</li>
 *   <li>induction: attention to {@code f_k + 1}, the token that followed it in the first copy.</li>
 * </ul>
 */
public final class HeadScores {
    public static final int PREVIOUS = 0;
    public static final int DUPLICATE = 1;
    public static final int INDUCTION = 2;

    private HeadScores() {
    }

    /** {@code [heads][3]}: previous-token, duplicate-token and induction score of every head of one layer. */
    public static double[][] of(NDArray pattern, RepeatedTokens probe) {
        long[] shape = pattern.getShape().getShape();
        int b = (int) shape[0], h = (int) shape[1], t = (int) shape[3];
        int n = probe.length();
        int q0 = probe.second(0);
        float[] p = pattern.get(new NDIndex(":, :, {}:{}, :", q0, q0 + n)).toFloatArray(); // [B, H, N, T]
        double[][] out = new double[h][3];
        for (int row = 0; row < b; row++) {
            for (int head = 0; head < h; head++) {
                for (int k = 0; k < n; k++) {
                    int at = ((row * h + head) * n + k) * t;
                    out[head][PREVIOUS] += p[at + probe.second(k) - 1];
                    out[head][DUPLICATE] += p[at + probe.first(k)];
                    out[head][INDUCTION] += p[at + probe.first(k) + 1];
                }
            }
        }
        for (double[] s : out) {
            for (int i = 0; i < 3; i++) s[i] /= (double) b * n;
        }
        return out;
    }
}
