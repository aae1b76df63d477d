package lantern.collect;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The collector feeds sequences sorted by length, not in stream order: the top K must not depend on the order. */
class TopWindowsTest {
    @Property(tries = 200)
    void anyArrivalOrderGivesSortByMaxDescThenSequenceAsc(@ForAll @IntRange(min = 1, max = 8) int k,
                                                           @ForAll @IntRange(min = 1, max = 40) int sequences,
                                                           @ForAll long seed) {
        Random rnd = new Random(seed);
        int neurons = 3;
        float[][] max = new float[neurons][sequences];
        for (float[] row : max) for (int s = 0; s < sequences; s++) row[s] = rnd.nextInt(4);  // many ties
        List<Integer> order = new ArrayList<>();
        for (int s = 0; s < sequences; s++) order.add(s);
        Collections.shuffle(order, rnd);

        TopWindows top = new TopWindows(neurons, k, 3);
        for (int s : order) {
            for (int n = 0; n < neurons; n++) {
                if (!top.beats(n, max[n][s], s)) continue;
                top.offer(n, new Window(s, 0, 1), max[n][s], new float[] {max[n][s]}, 0);
            }
        }
        LayerResult.Slots got = top.sorted();
        for (int n = 0; n < neurons; n++) {
            final int nn = n;
            List<Integer> expected = new ArrayList<>(order);
            expected.sort(Comparator.<Integer>comparingDouble(s -> -max[nn][s]).thenComparingInt(s -> s));
            for (int j = 0; j < k; j++) {
                int want = j < sequences ? expected.get(j) : -1;
                assertThat(got.seq[n * k + j]).as("neuron %d rank %d", n, j).isEqualTo(want);
            }
        }
    }
}
