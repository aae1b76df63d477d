package lantern.eval.sae;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** k-sparse probing: a planted separable latent is found at k = 1; the probe itself against a reference. */
class SparseProbingTest {
    @Test
    void aPlantedSeparableLatentIsFoundAndProbedAtK1() {
        Random r = new Random(4);
        int units = 64, planted = 37;
        float[][] train = new float[600][], test = new float[300][];
        boolean[] yTrain = new boolean[train.length], yTest = new boolean[test.length];
        fill(train, yTrain, units, planted, r, 0.3);
        fill(test, yTest, units, planted, r, 0.3);
        SparseProbing.Result res = SparseProbing.probe("planted", train, yTrain, test, yTest, SparseProbing.KS, 1000, 1);
        assertThat(res.units()[0]).isEqualTo(planted);
        assertThat(res.accuracy()[0]).isGreaterThan(0.95);
        // balanced: as many negatives as positives (30% positives in the pool)
        assertThat(res.trainPerClass()).isBetween(150, 200);
        // with the planted unit removed from the pool, k = 1 is near chance
        float[][] trainNo = drop(train, planted), testNo = drop(test, planted);
        SparseProbing.Result none = SparseProbing.probe("noise", trainNo, yTrain, testNo, yTest, new int[]{1}, 1000, 1);
        assertThat(none.accuracy()[0]).isLessThan(0.65);
    }

    @Test
    void binaryProbeMatchesAReferenceGradientDescentFit() {
        Random r = new Random(8);
        int n = 200;
        double[][] x = new double[n][2];
        boolean[] y = new boolean[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = r.nextGaussian();
            x[i][1] = r.nextGaussian() * 3 + 1;
            y[i] = 1.5 * x[i][0] - 0.4 * (x[i][1] - 1) / 3 + 0.5 * r.nextGaussian() > 0.2;
        }
        LogisticProbe p = LogisticProbe.binary(x, y, 1.0);
        // reference: plain gradient descent on the same objective (standardised inputs, λ = 1 on the weights)
        double[] mean = new double[2], sd = new double[2];
        for (double[] row : x) for (int a = 0; a < 2; a++) mean[a] += row[a] / n;
        for (double[] row : x) for (int a = 0; a < 2; a++) sd[a] += (row[a] - mean[a]) * (row[a] - mean[a]) / n;
        for (int a = 0; a < 2; a++) sd[a] = Math.sqrt(sd[a]);
        double[] w = new double[3];
        for (int it = 0; it < 20000; it++) {
            double[] g = {w[0], w[1], 0};
            for (int i = 0; i < n; i++) {
                double z0 = (x[i][0] - mean[0]) / sd[0], z1 = (x[i][1] - mean[1]) / sd[1];
                double pr = 1 / (1 + Math.exp(-(w[0] * z0 + w[1] * z1 + w[2])));
                double e = pr - (y[i] ? 1 : 0);
                g[0] += e * z0;
                g[1] += e * z1;
                g[2] += e;
            }
            for (int a = 0; a < 3; a++) w[a] -= 0.005 * g[a];
        }
        for (double[] probe : new double[][]{{0.3, 2}, {-1, -2}, {2, 5}}) {
            double z0 = (probe[0] - mean[0]) / sd[0], z1 = (probe[1] - mean[1]) / sd[1];
            double expect = 1 / (1 + Math.exp(-(w[0] * z0 + w[1] * z1 + w[2])));
            assertThat(p.probability(probe)).isCloseTo(expect, within(1e-4));
        }
    }

    static void fill(float[][] rows, boolean[] y, int units, int planted, Random r, double positives) {
        for (int i = 0; i < rows.length; i++) {
            y[i] = r.nextDouble() < positives;
            rows[i] = new float[units];
            for (int j = 0; j < units; j++) rows[i][j] = r.nextDouble() < 0.1 ? (float) r.nextDouble() * 2 : 0f;
            rows[i][planted] = y[i] ? 1.5f + (float) r.nextDouble() : (r.nextDouble() < 0.05 ? 0.5f : 0f);
        }
    }

    static float[][] drop(float[][] x, int unit) {
        float[][] out = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i].clone();
            out[i][unit] = 0f;
        }
        return out;
    }
}
