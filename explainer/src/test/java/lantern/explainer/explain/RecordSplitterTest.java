package lantern.explainer.explain;

import lantern.api.ActivationRecord;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordSplitterTest {

    private static ActivationRecord rec(String word, float a) {
        return new ActivationRecord(List.of(word, "x"), new float[]{a, 0});
    }

    @Test
    void alternatesRanksAndKeepsSidesDisjoint() {
        List<ActivationRecord> top = new ArrayList<>();
        for (int i = 0; i < 10; i++) top.add(rec("t" + i, 10 - i));
        // a random window identical to an explain window must not be scored
        List<ActivationRecord> random = List.of(rec("t0", 10), rec("r1", 1), rec("r1", 1));
        RecordSplit s = new RecordSplitter(5, 5, 5).split(top, random);
        assertThat(s.explain()).extracting(r -> r.tokens().get(0)).containsExactly("t0", "t2", "t4", "t6", "t8");
        assertThat(s.heldOutTop()).extracting(r -> r.tokens().get(0)).containsExactly("t1", "t3", "t5", "t7", "t9");
        assertThat(s.random()).extracting(r -> r.tokens().get(0)).containsExactly("r1");
        assertThat(s.maxActivation()).isEqualTo(10f);
    }

    @Test
    void noTopWindowsIsAClearError() {
        assertThatThrownBy(() -> RecordSplitter.defaults().split(List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no top-activating windows");
    }

    @Property(tries = 300)
    void explainAndScoringSetsAreAlwaysDisjoint(@ForAll("records") List<ActivationRecord> top,
                                                @ForAll("records") List<ActivationRecord> random,
                                                @ForAll @IntRange(min = 1, max = 12) int nExplain,
                                                @ForAll @IntRange(min = 0, max = 12) int nHeldOut,
                                                @ForAll @IntRange(min = 0, max = 12) int nRandom) {
        if (top.isEmpty()) return;
        // reuse some top windows among the random ones, as a small corpus would
        List<ActivationRecord> rnd = new ArrayList<>(random);
        for (int i = 0; i < top.size(); i += 3) rnd.add(top.get(i));
        RecordSplit s = new RecordSplitter(nExplain, nHeldOut, nRandom).split(top, rnd);
        Set<ActivationRecord> explain = new HashSet<>(s.explain());
        for (ActivationRecord r : s.scoring()) assertThat(explain).doesNotContain(r);
        assertThat(s.explain()).isNotEmpty().hasSizeLessThanOrEqualTo(nExplain);
        assertThat(s.heldOutTop()).hasSizeLessThanOrEqualTo(nHeldOut);
        assertThat(s.random()).hasSizeLessThanOrEqualTo(nRandom);
        assertThat(new HashSet<>(s.scoring())).hasSize(s.scoring().size());
        assertThat(top).containsAll(s.explain()).containsAll(s.heldOutTop());
    }

    @Provide
    Arbitrary<List<ActivationRecord>> records() {
        Arbitrary<ActivationRecord> r = Arbitraries.of("a", "b", "c", "d").list().ofMinSize(1).ofMaxSize(3)
                .flatMap(tokens -> Arbitraries.of(0f, 1f, 2f).array(float[].class).ofSize(tokens.size())
                        .map(acts -> new ActivationRecord(tokens, acts)));
        return r.list().ofMaxSize(25);
    }
}
