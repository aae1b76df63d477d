package lantern.collect;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Exact sums equal the true sum rounded once, whatever the grouping; a double running sum does not. */
class ExactSumsTest {
    @Property(tries = 200)
    void anyGroupingGivesTheTrueSumRoundedOnce(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int count) {
        Random rnd = new Random(seed);
        double[] xs = new double[count];
        BigDecimal exact = BigDecimal.ZERO;
        for (int i = 0; i < count; i++) {
            // Batch sums: a few floats of wide range added in a double, as the collector makes them.
            double x = 0;
            for (int k = rnd.nextInt(4); k >= 0; k--) {
                float f = Math.scalb(rnd.nextFloat(), rnd.nextInt(270) - 150);  // down to the subnormal floats
                x += rnd.nextBoolean() ? f : -f;
            }
            xs[i] = x;
            exact = exact.add(new BigDecimal(x));
        }
        ExactSums inOrder = new ExactSums(1);
        for (double x : xs) inOrder.add(0, x);
        ExactSums twoParts = new ExactSums(1), rest = new ExactSums(1);
        int cut = rnd.nextInt(count + 1);
        for (int i = count - 1; i >= cut; i--) twoParts.add(0, xs[i]);
        for (int i = 0; i < cut; i++) rest.add(0, xs[i]);
        twoParts.addAll(rest);

        double expected = exact.round(MathContext.DECIMAL128).doubleValue();
        double exactlyRounded = exact.doubleValue();
        assertThat(inOrder.value(0)).isEqualTo(exactlyRounded);
        assertThat(Double.doubleToRawLongBits(twoParts.value(0))).isEqualTo(Double.doubleToRawLongBits(inOrder.value(0)));
        assertThat(inOrder.value(0)).isCloseTo(expected, org.assertj.core.data.Offset.offset(Math.abs(expected) * 1e-15));
    }

    @Test
    void aDoubleRunningSumDependsOnTheOrderTheseDoNot() {
        double[] xs = {1e20f, -1e20f, 1.0};
        assertThat((xs[0] + xs[1]) + xs[2]).isNotEqualTo(xs[0] + (xs[1] + xs[2]));
        ExactSums a = new ExactSums(1), b = new ExactSums(1);
        for (double x : xs) a.add(0, x);
        for (int i = xs.length - 1; i >= 0; i--) b.add(0, xs[i]);
        assertThat(a.value(0)).isEqualTo(1.0).isEqualTo(b.value(0));
    }

    @Test
    void infinitiesAndNanCombineAsInADoubleSum() {
        ExactSums s = new ExactSums(4);
        s.add(0, 1.5);
        s.add(1, Double.POSITIVE_INFINITY);
        s.add(1, 2.0);
        s.add(2, Double.NEGATIVE_INFINITY);
        s.add(2, Double.POSITIVE_INFINITY);
        s.add(3, Double.NaN);
        assertThat(s.value(0)).isEqualTo(1.5);
        assertThat(s.value(1)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(s.value(2)).isNaN();
        assertThat(s.value(3)).isNaN();
    }

    @Test
    void valuesNoSumOfFloatsCanBeAreRefused() {
        ExactSums s = new ExactSums(1);
        assertThatThrownBy(() -> s.add(0, 1e-60)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a sum of floats");
        assertThatThrownBy(() -> s.add(0, 1e100)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too large");
        s.add(0, Math.scalb(1.0, 159) * 1.9);
        s.add(0, Float.MIN_VALUE);
        assertThat(s.value(0)).isEqualTo(Math.scalb(1.0, 159) * 1.9);
    }
}
