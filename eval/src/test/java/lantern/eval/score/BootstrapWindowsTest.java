package lantern.eval.score;

import lantern.api.score.Interval;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-place Pearson over drawn windows gives the concatenation's Pearson bit for bit, so intervals do not move. */
class BootstrapWindowsTest {
    /** The plain way: concatenate the drawn windows, then {@link Pearson#of}. */
    static double concatenated(int[] sample, double[][] truth, double[][] predicted) {
        int len = 0;
        for (int w : sample) len += truth[w].length;
        double[] t = new double[len], p = new double[len];
        int k = 0;
        for (int w : sample) {
            System.arraycopy(truth[w], 0, t, k, truth[w].length);
            System.arraycopy(predicted[w], 0, p, k, predicted[w].length);
            k += truth[w].length;
        }
        return Pearson.of(t, p);
    }

    @Test
    void inPlacePearsonEqualsTheConcatenationsBitForBit() {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 200; trial++) {
            int windows = 2 + r.nextInt(40);
            double[][] truth = new double[windows][], predicted = new double[windows][];
            for (int w = 0; w < windows; w++) {
                int len = 1 + r.nextInt(40);
                truth[w] = new double[len];
                predicted[w] = new double[len];
                for (int i = 0; i < len; i++) {
                    truth[w][i] = r.nextInt(5) == 0 ? 0 : r.nextDouble() * 7 - 1;
                    predicted[w][i] = r.nextInt(9) == 0 ? Double.NaN : r.nextInt(3) == 0 ? 0 : r.nextDouble();
                }
            }
            int[] sample = new int[windows];
            for (int i = 0; i < windows; i++) sample[i] = r.nextInt(windows);
            double a = Bootstrap.pearsonOfWindows(sample, truth, predicted), b = concatenated(sample, truth, predicted);
            assertThat(Double.doubleToRawLongBits(a)).as("trial %d", trial).isEqualTo(Double.doubleToRawLongBits(b));
            // and the whole interval: the seeded resamples see the same statistic
            Interval fast = Bootstrap.pearsonOverWindows(0.5, truth, predicted);
            Interval plain = Bootstrap.of(0.5, windows, s -> concatenated(s, truth, predicted));
            assertThat(fast).isEqualTo(plain);
        }
        // constant sides and too few pairs stay undefined
        double[][] flat = {{1, 1}, {1, 1}};
        assertThat(Bootstrap.pearsonOfWindows(new int[]{0, 1}, flat, new double[][]{{0.1, 0.2}, {0.3, 0.4}})).isNaN();
        assertThat(Bootstrap.pearsonOfWindows(new int[]{0}, new double[][]{{1}}, new double[][]{{2}})).isNaN();
    }
}
