package lantern.eval.score;

import lantern.api.score.Interval;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class BootstrapTest {
    /** n windows of 8 tokens where the prediction is the truth plus noise of the given size. */
    private static double[][][] windows(int n, double noise, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] t = new double[n][8], p = new double[n][8];
        for (int w = 0; w < n; w++) {
            for (int i = 0; i < 8; i++) {
                t[w][i] = r.nextDouble() < 0.2 ? 1 + r.nextDouble() * 4 : 0;
                p[w][i] = t[w][i] + noise * (r.nextDouble() - 0.5) * 6;
            }
        }
        return new double[][][] {t, p};
    }

    private static double flat(double[][] t, double[][] p) {
        int n = 0;
        for (double[] w : t) n += w.length;
        double[] a = new double[n], b = new double[n];
        int k = 0;
        for (int w = 0; w < t.length; w++) {
            for (int i = 0; i < t[w].length; i++) {
                a[k] = t[w][i];
                b[k++] = p[w][i];
            }
        }
        return Pearson.of(a, b);
    }

    @Test
    void theIntervalHoldsTheScoreIsSeededAndNarrowsWithMoreWindows() {
        double[][][] small = windows(30, 0.5, 1), large = windows(300, 0.5, 1);
        double vs = flat(small[0], small[1]), vl = flat(large[0], large[1]);
        Interval s = Bootstrap.pearsonOverWindows(vs, small[0], small[1]);
        Interval l = Bootstrap.pearsonOverWindows(vl, large[0], large[1]);
        assertThat(s.lo()).isLessThan(vs);
        assertThat(s.hi()).isGreaterThan(vs);
        assertThat(s.n()).isEqualTo(30);
        assertThat(l.width()).isLessThan(s.width() * 0.6);
        assertThat(Bootstrap.pearsonOverWindows(vs, small[0], small[1])).isEqualTo(s);
    }

    @Test
    void undefinedScoresAndSingleWindowsHaveNoBounds() {
        double[][][] one = windows(1, 0.5, 2);
        assertThat(Bootstrap.pearsonOverWindows(0.5, one[0], one[1]).hasBounds()).isFalse();
        assertThat(Bootstrap.balancedAccuracy(Double.NaN, new boolean[] {true, true}, new boolean[] {true, false}).hasBounds()).isFalse();
    }

    @Test
    void balancedAccuracyAndAucIntervalsBracketTheirValues() {
        boolean[] t = new boolean[40], p = new boolean[40];
        for (int i = 0; i < 40; i++) {
            t[i] = i % 2 == 0;
            p[i] = i % 5 == 0 ? !t[i] : t[i];
        }
        double ba = BalancedAccuracy.of(t, p);
        Interval i = Bootstrap.balancedAccuracy(ba, t, p);
        assertThat(i.lo()).isLessThan(ba).isGreaterThan(0.5);
        assertThat(i.hi()).isGreaterThanOrEqualTo(ba).isLessThanOrEqualTo(1.0);
        double[] pos = {0.9, 0.8, 0.7, 0.4, 0.85}, neg = {0.1, 0.5, 0.2, 0.3, 0.75, 0.2};
        double auc = RocAuc.of(pos, neg);
        Interval a = Bootstrap.auc(auc, pos, neg);
        assertThat(a.lo()).isLessThan(auc);
        assertThat(a.hi()).isLessThanOrEqualTo(1.0);
    }
}
