package lantern.collect;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Vector API inner loop ({@link SequenceStats}) gives the plain loop's bits: sums, maxima, positive counts, and the
 * argmax the plain path scans for afterwards; on widths around the lane count, with ties, -0, infinities and NaN
 * (any NaN counts as one, see {@link #bits}).
 * And a whole collection is the same bit for bit on either path.
 */
class SequenceStatsTest {

    @Property(tries = 200)
    void vectorLoopEqualsThePlainLoop(@ForAll long seed, @ForAll @IntRange(min = 1, max = 100) int n,
                                      @ForAll @IntRange(min = 1, max = 40) int len) {
        assertThat(SequenceStats.AVAILABLE).as("tests run with jdk.incubator.vector").isTrue();
        Random rnd = new Random(seed);
        int first = rnd.nextInt(3) * n;
        float[] v = new float[first + len * n + rnd.nextInt(5)];
        for (int i = 0; i < v.length; i++) v[i] = value(rnd);
        float[] sum = new float[n], max = new float[n], sum2 = new float[n], max2 = new float[n];
        int[] pos = new int[n], pos2 = new int[n], arg = new int[n];
        SequenceStats.run(v, first, len, n, sum, max, pos, arg);
        BatchDigest.plainStats(v, first, len, n, sum2, max2, pos2);
        for (int j = 0; j < n; j++) {
            assertThat(bits(sum[j])).as("sum " + j).isEqualTo(bits(sum2[j]));
            assertThat(bits(max[j])).as("max " + j).isEqualTo(bits(max2[j]));
            assertThat(pos[j]).as("positive " + j).isEqualTo(pos2[j]);
            assertThat(arg[j]).as("argmax " + j).isEqualTo(BatchDigest.argMax(v, first, n, j, len, max2[j]));
        }
    }

    @Property(tries = 20)
    void collectionIsTheSameOnEitherPath(@ForAll long seed) {
        Random rnd = new Random(seed);
        TokenStream stream = CollectorMergeTest.randomStream(rnd);
        CollectOptions options = CollectorMergeTest.randomOptions(rnd);
        FunctionSource source = CollectorMergeTest.noisySource(3, 1 + rnd.nextInt(40), seed);
        CollectionResult vector = new ActivationCollector(source, options).collect(stream, "random", null);
        BatchDigest.useSimd = false;
        try {
            CollectionResult plain = new ActivationCollector(source, options).collect(stream, "random", null);
            SameResult.assertSame(vector, plain);
        } finally {
            BatchDigest.useSimd = true;
        }
    }

    /**
     * A float's bits, every NaN as one: the sign of the NaN that inf - inf makes is the hardware's and differs between
     * the JIT's own scalar and vector code (the plain loop alone gives either), so it is no result to keep.
     */
    private static int bits(float x) {
        return Float.isNaN(x) ? 0x7fc00000 : Float.floatToRawIntBits(x);
    }

    /** Mostly small integers (ties), some zeros of either sign, infinities, a rare NaN, the rest spread widely. */
    private static float value(Random rnd) {
        return switch (rnd.nextInt(20)) {
            case 0, 1, 2, 3 -> rnd.nextInt(5) - 2f;
            case 4 -> 0f;
            case 5 -> -0f;
            case 6 -> rnd.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
            case 7 -> rnd.nextInt(50) == 0 ? Float.NaN : 1f;
            default -> (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(6) - 3));
        };
    }
}
