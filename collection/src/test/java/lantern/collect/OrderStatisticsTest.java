package lantern.collect;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link OrderStatistics} gives, bit for bit, the quantiles of the sorted sample ({@link Arrays#sort} then
 * {@link ActivationCollector#quantile}, the plain reference): on random samples of many sizes with many ties, -0 and
 * +0, infinities, all-equal samples, and NaN (sorted whole).
 */
class OrderStatisticsTest {
    private static final double[] LEVELS = {0.0, 0.001, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0};

    @Property(tries = 300)
    void quantilesEqualThoseOfTheSortedSample(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3000) int count,
                                             @ForAll @IntRange(min = 0, max = 4) int kind) {
        Random rnd = new Random(seed);
        float[] values = new float[count + rnd.nextInt(3)];  // a longer array than the sample, as finish passes
        for (int i = 0; i < values.length; i++) values[i] = value(rnd, kind);
        assertSame(values, count);
    }

    @Test
    void edgeCases() {
        assertSame(new float[]{3f}, 1);
        assertSame(new float[]{-0f, 0f, -0f, 0f, 0f}, 5);
        assertSame(new float[]{Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, Float.MAX_VALUE, -Float.MIN_VALUE}, 5);
        float[] equal = new float[2000];
        Arrays.fill(equal, 0.25f);
        assertSame(equal, 2000);
        float[] sorted = new float[2000], reversed = new float[2000];
        for (int i = 0; i < 2000; i++) {
            sorted[i] = i;
            reversed[i] = -i;
        }
        assertSame(sorted, 2000);
        assertSame(reversed, 2000);
        float[] organ = new float[2000];  // rising then falling: a bad case for middle-of-range pivots
        for (int i = 0; i < 2000; i++) organ[i] = Math.min(i, 2000 - i);
        assertSame(organ, 2000);
        assertSame(new float[]{1f, Float.NaN, -2f, Float.intBitsToFloat(0x7fc00001), 0f, -0f}, 6);
    }

    private static void assertSame(float[] values, int count) {
        float[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        float[] expected = new float[LEVELS.length];
        for (int q = 0; q < LEVELS.length; q++) expected[q] = ActivationCollector.quantile(sorted, LEVELS[q]);
        float[] got = new float[LEVELS.length + 2];
        OrderStatistics.quantiles(values.clone(), count, LEVELS, new int[count], got, 1);
        for (int q = 0; q < LEVELS.length; q++) {
            assertThat(Float.floatToRawIntBits(got[q + 1])).as("level " + LEVELS[q] + " of " + count + " values")
                    .isEqualTo(Float.floatToRawIntBits(expected[q]));
        }
    }

    private static float value(Random rnd, int kind) {
        return switch (kind) {
            case 0 -> (float) rnd.nextGaussian();                       // distinct values
            case 1 -> rnd.nextInt(7) - 3;                               // few values, many ties
            case 2 -> rnd.nextBoolean() ? (rnd.nextBoolean() ? -0f : 0f) : (float) rnd.nextGaussian();  // signed zeros
            case 3 -> {                                                 // GELU-like, with rare infinities
                double x = rnd.nextGaussian();
                if (rnd.nextInt(500) == 0) yield rnd.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
                yield (float) (0.5 * x * (1 + Math.tanh(0.7978845608 * (x + 0.044715 * x * x * x))));
            }
            default -> rnd.nextInt(50) == 0 ? Float.NaN : (float) rnd.nextGaussian();  // NaN now and then
        };
    }
}
