package lantern.collect;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A collection cut into parts at any batch boundaries, the parts collected separately and their states merged in any
 * order, equals one collection of the whole, bit for bit: the merged state's bytes equal the whole state's, and the
 * finished result (every stored array) equals the single-machine collector's. The activations span 40 binary orders
 * of magnitude, so a double running sum added in another grouping would round differently, and repeat in places so
 * the top K's ties by sequence are exercised.
 */
class CollectorMergeTest {

    @Property(tries = 60)
    void mergedPartsEqualTheWholeBitForBit(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int parts) {
        Random rnd = new Random(seed);
        TokenStream stream = randomStream(rnd);
        CollectOptions options = randomOptions(rnd);
        FunctionSource source = noisySource(3, 1 + rnd.nextInt(9), seed);
        ActivationCollector collector = new ActivationCollector(source, options);
        CollectionPlan plan = collector.plan(stream);
        int batches = plan.batchCount();

        CollectorState whole = collector.collect(plan, 0, batches, null);
        byte[] wholeBytes = whole.toBytes(plan);

        // Cut [0, batches) at random boundaries (parts may be empty), collect each, merge in a random order.
        TreeSet<Integer> cuts = new TreeSet<>(List.of(0, batches));
        for (int i = 1; i < parts; i++) cuts.add(rnd.nextInt(batches + 1));
        List<Integer> bounds = new ArrayList<>(cuts);
        List<CollectorState> states = new ArrayList<>();
        for (int i = 0; i + 1 < bounds.size(); i++) {
            // Through bytes, as an executor returns it.
            states.add(CollectorState.fromBytes(collector.collect(plan, bounds.get(i), bounds.get(i + 1), null).toBytes(plan), plan));
        }
        Collections.shuffle(states, rnd);
        while (states.size() > 1) {
            int a = rnd.nextInt(states.size());
            CollectorState x = states.remove(a);
            int b = rnd.nextInt(states.size());
            CollectorState y = states.remove(b);
            states.add(rnd.nextBoolean() ? x.merge(y, plan) : y.merge(x, plan));
        }
        CollectorState merged = states.getFirst();
        assertThat(merged.complete(plan)).isTrue();
        assertThat(merged.tokens()).isEqualTo(stream.tokens());
        assertThat(merged.toBytes(plan)).as("merged state bytes").isEqualTo(wholeBytes);

        CollectionResult single = collector.collect(stream, "random", null);
        SameResult.assertSame(collector.finish(plan, merged, "random", null, System.nanoTime()), single);
    }

    @Property(tries = 40)
    void mergeIsAssociativeAndCommutative(@ForAll long seed) {
        Random rnd = new Random(seed);
        TokenStream stream = randomStream(rnd);
        CollectOptions options = randomOptions(rnd);
        ActivationCollector collector = new ActivationCollector(noisySource(3, 1 + rnd.nextInt(6), seed), options);
        CollectionPlan plan = collector.plan(stream);
        int n = plan.batchCount();
        int i = rnd.nextInt(n + 1), j = i + rnd.nextInt(n - i + 1);
        byte[] a = collector.collect(plan, 0, i, null).toBytes(plan);
        byte[] b = collector.collect(plan, i, j, null).toBytes(plan);
        byte[] c = collector.collect(plan, j, n, null).toBytes(plan);

        byte[] left = state(a, plan).merge(state(b, plan), plan).merge(state(c, plan), plan).toBytes(plan);
        byte[] right = state(a, plan).merge(state(b, plan).merge(state(c, plan), plan), plan).toBytes(plan);
        byte[] swapped = state(c, plan).merge(state(a, plan), plan).merge(state(b, plan), plan).toBytes(plan);
        assertThat(right).isEqualTo(left);
        assertThat(swapped).isEqualTo(left);
        assertThat(state(left, plan).toBytes(plan)).as("bytes round trip").isEqualTo(left);
    }

    @Test
    void overlappingIncompleteDamagedOrForeignStatesAreRefused() {
        Random rnd = new Random(7);
        TokenStream stream = randomStream(rnd);
        while (CollectionPlan.batchesByLength(stream, 2).size() < 3) stream = randomStream(rnd);
        CollectOptions options = new CollectOptions(new int[] {0, 2}, 2, 1, 2, 5L, 2, CollectOptions.DEFAULT_LEVELS, 50, 2, 1, 4);
        ActivationCollector collector = new ActivationCollector(noisySource(3, 4, 1), options);
        CollectionPlan plan = collector.plan(stream);
        CollectorState first = collector.collect(plan, 0, 2, null);
        assertThatThrownBy(() -> first.merge(collector.collect(plan, 1, 3, null), plan))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both hold batch 1");
        assertThatThrownBy(() -> collector.finish(plan, first, "random", null, System.nanoTime()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("holds 2 of the plan's " + plan.batchCount());
        assertThatThrownBy(() -> collector.collect(plan, 2, plan.batchCount() + 1, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the plan");

        byte[] bytes = first.toBytes(plan);
        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 1;
        assertThatThrownBy(() -> CollectorState.fromBytes(flipped, plan)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("checksum mismatch");
        assertThatThrownBy(() -> CollectorState.fromBytes(Arrays.copyOf(bytes, bytes.length - 3), plan))
                .hasMessageContaining("checksum mismatch");
        CollectionPlan otherSeed = new ActivationCollector(noisySource(3, 4, 1), options.withSeed(6)).plan(stream);
        assertThatThrownBy(() -> CollectorState.fromBytes(bytes, otherSeed)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("another collection");
    }

    private static CollectorState state(byte[] bytes, CollectionPlan plan) {
        return CollectorState.fromBytes(bytes, plan);
    }

    /** 1 to 40 sequences of 1 to 20 tokens, with or without a one-token prefix and suffix. */
    static TokenStream randomStream(Random rnd) {
        int sequences = 1 + rnd.nextInt(40);
        int[] seqStart = new int[sequences + 1];
        for (int s = 0; s < sequences; s++) seqStart[s + 1] = seqStart[s] + 1 + rnd.nextInt(20);
        int tokens = seqStart[sequences];
        int[] ids = new int[tokens];
        for (int i = 0; i < tokens; i++) ids[i] = 1000 + rnd.nextInt(50);
        boolean special = rnd.nextBoolean();
        return new TokenStream(ids, new short[tokens], new boolean[tokens], seqStart, new int[sequences], List.of(),
                List.of("doc"), List.of("genre"), special ? new long[] {101} : new long[0], special ? new long[] {102} : new long[0]);
    }

    static CollectOptions randomOptions(Random rnd) {
        return new CollectOptions(new int[] {0, 2}, 1 + rnd.nextInt(4), rnd.nextInt(4), 1 + rnd.nextInt(6), rnd.nextLong(),
                rnd.nextInt(6), CollectOptions.DEFAULT_LEVELS, rnd.nextInt(200), rnd.nextInt(4), rnd.nextInt(3), rnd.nextInt(12));
    }

    /**
     * Activations as a hash of (layer, token id, position, neuron): an eighth of them one of four small values (ties),
     * an eighth zero, the rest of either sign and magnitudes from 2^-25 to 2^15. Padding reads 1e30, which must never
     * reach a statistic.
     */
    static FunctionSource noisySource(int layers, int width, long salt) {
        return new FunctionSource("noisy", layers, width, (layer, id, pos, n) -> noisy(salt, layer, id, pos, n), 1e30f);
    }

    static float noisy(long salt, int layer, long id, int pos, int n) {
        long h = CollectionPlan.mix64(salt ^ id * 0x9E3779B97F4A7C15L ^ pos * 0x632BE59BD9B4E019L ^ n * 1_000_003L ^ layer * 7919L);
        int kind = (int) (h & 7);
        if (kind == 0) return ((h >>> 3) & 3) - 1.5f;
        if (kind == 1) return 0f;
        float mantissa = 1 + ((h >>> 8) & 0x7FFFFF) / (float) (1 << 23);
        float v = Math.scalb(mantissa, (int) ((h >>> 32) % 40) - 25);
        return ((h >>> 62) & 1) == 0 ? v : -v;
    }
}
