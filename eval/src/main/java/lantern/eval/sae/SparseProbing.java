package lantern.eval.sae;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * k-sparse probing (Gurnee et al. 2023; SAEBench's sparse_probing): for a binary task, the k units (SAE latents or
 * neurons) whose mean activation differs most between the positive and the negative training examples are chosen,
 * a logistic probe is fitted on those k alone, and its accuracy is measured on held-out examples. Classes are
 * balanced (equal positives and negatives, at most {@code maxPerClass} each, seeded). The difference is taken in
 * absolute value (SAEBench ranks by the signed difference, which suits non-negative SAE latents; neurons can encode
 * a class by falling, and |Δ| treats both kinds alike).
 */
public final class SparseProbing {
    public static final int[] KS = {1, 2, 5, 10, 20};

    /** Accuracy per k (same order as {@code ks}), the chosen units (best first), and the balanced sizes. */
    public record Result(String task, int[] ks, double[] accuracy, int[] units, int trainPerClass, int testPerClass) {
    }

    private SparseProbing() {
    }

    /**
     * @param train rows [n][units] of training examples; {@code trainPositive} their labels
     * @param test  rows of held-out examples; {@code testPositive} their labels
     */
    public static Result probe(String task, float[][] train, boolean[] trainPositive, float[][] test, boolean[] testPositive,
                               int[] ks, int maxPerClass, long seed) {
        int[] tr = balanced(trainPositive, maxPerClass, new Random(seed));
        int[] te = balanced(testPositive, maxPerClass, new Random(seed + 1));
        if (tr.length == 0 || te.length == 0) {
            double[] nan = new double[ks.length];
            Arrays.fill(nan, Double.NaN);
            return new Result(task, ks.clone(), nan, new int[0], tr.length / 2, te.length / 2);
        }
        int width = train[0].length;
        int[] order = rankByMeanDifference(train, trainPositive, tr, width, true);
        int maxK = Math.min(Arrays.stream(ks).max().orElse(1), width);
        int[] chosen = Arrays.copyOf(order, maxK);
        double[] acc = new double[ks.length];
        for (int q = 0; q < ks.length; q++) {
            int k = Math.min(ks[q], width);
            double[][] xTrain = columns(train, tr, chosen, k), xTest = columns(test, te, chosen, k);
            boolean[] yTrain = labels(trainPositive, tr), yTest = labels(testPositive, te);
            acc[q] = LogisticProbe.binary(xTrain, yTrain, 1.0).accuracy(xTest, yTest);
        }
        return new Result(task, ks.clone(), acc, chosen, tr.length / 2, te.length / 2);
    }

    /**
     * Units ordered by mean over positives − mean over negatives among {@code rows}, largest first; in absolute value
     * when {@code absolute}.
     */
    public static int[] rankByMeanDifference(float[][] x, boolean[] positive, int[] rows, int width, boolean absolute) {
        double[] pos = new double[width], neg = new double[width];
        int np = 0, nn = 0;
        for (int r : rows) {
            double[] target = positive[r] ? pos : neg;
            if (positive[r]) np++;
            else nn++;
            float[] row = x[r];
            for (int j = 0; j < width; j++) target[j] += row[j];
        }
        double[] diff = new double[width];
        for (int j = 0; j < width; j++) {
            diff[j] = pos[j] / Math.max(np, 1) - neg[j] / Math.max(nn, 1);
            if (absolute) diff[j] = Math.abs(diff[j]);
        }
        Integer[] idx = new Integer[width];
        for (int j = 0; j < width; j++) idx[j] = j;
        Arrays.sort(idx, (a, b) -> diff[b] != diff[a] ? Double.compare(diff[b], diff[a]) : Integer.compare(a, b));
        int[] out = new int[width];
        for (int j = 0; j < width; j++) out[j] = idx[j];
        return out;
    }

    /** Indices of a balanced subset: min(#positives, #negatives, max) of each, shuffled. */
    static int[] balanced(boolean[] positive, int max, Random rnd) {
        List<Integer> pos = new ArrayList<>(), neg = new ArrayList<>();
        for (int i = 0; i < positive.length; i++) (positive[i] ? pos : neg).add(i);
        Collections.shuffle(pos, rnd);
        Collections.shuffle(neg, rnd);
        int n = Math.min(Math.min(pos.size(), neg.size()), max);
        List<Integer> all = new ArrayList<>(pos.subList(0, n));
        all.addAll(neg.subList(0, n));
        Collections.shuffle(all, rnd);
        return all.stream().mapToInt(Integer::intValue).toArray();
    }

    private static double[][] columns(float[][] x, int[] rows, int[] units, int k) {
        double[][] out = new double[rows.length][k];
        for (int i = 0; i < rows.length; i++) for (int j = 0; j < k; j++) out[i][j] = x[rows[i]][units[j]];
        return out;
    }

    private static boolean[] labels(boolean[] y, int[] rows) {
        boolean[] out = new boolean[rows.length];
        for (int i = 0; i < rows.length; i++) out[i] = y[rows[i]];
        return out;
    }
}
