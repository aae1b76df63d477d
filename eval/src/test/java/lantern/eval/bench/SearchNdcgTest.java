package lantern.eval.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SearchNdcgTest {
    @Test
    void binaryNdcgAtFiveByHand() {
        // one relevant unit at rank 2: DCG 1/log2(3); ideal: 1 at rank 1
        assertThat(SearchNdcg.ndcg(List.of("a", "b", "c"), Set.of("b"), 5)).isCloseTo(1 / (Math.log(3) / Math.log(2)), within(1e-12));
        // two relevant at ranks 1 and 3 of three relevant: (1 + 1/2) / (1 + 1/log2(3) + 1/2)
        double ideal = 1 + 1 / (Math.log(3) / Math.log(2)) + 0.5;
        assertThat(SearchNdcg.ndcg(List.of("x", "q", "y"), Set.of("x", "y", "z"), 5)).isCloseTo(1.5 / ideal, within(1e-12));
        assertThat(SearchNdcg.ndcg(List.of("a", "b", "c", "d", "e", "f"), Set.of("f"), 5)).isEqualTo(0.0);
        assertThat(SearchNdcg.ndcg(List.of("a"), Set.of(), 5)).isNaN();
        // every class of the query set has a query that its phrase matcher understands
        for (var e : SearchNdcg.USER_QUERIES.entrySet()) {
            assertThat(lantern.index.ClassQuery.tagOf(e.getValue())).as(e.getValue()).isEqualTo(e.getKey());
        }
    }
}
