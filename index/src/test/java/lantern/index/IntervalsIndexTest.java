package lantern.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every score's 95% interval goes into the index and comes back on hits; documents indexed before intervals still read. */
class IntervalsIndexTest {
    @TempDir
    Path dir;

    @Test
    void hitsCarryEveryScoresIntervalOldDocumentsNoneAndTheLowerBoundFilters() {
        Intervals full = new Intervals(new Intervals.Bounds(0.48, 0.74, 40), new Intervals.Bounds(0.55, 0.8, 40),
                new Intervals.Bounds(0.6, 0.9, 40), new Intervals.Bounds(-0.1, 0.3, 24));
        try (FeatureIndex index = FeatureIndex.open(dir.resolve("index"))) {
            index.add(IndexedExplanation.of("m/0/mlp/1", "plural nouns", "statistical", 0.62, 0.7, 0.75, 0.1,
                    List.of("years"), null, 1L).withIntervals(full));
            // as the index held explanations before it kept intervals: at most the simulation score's lower bound
            index.add(IndexedExplanation.of("m/0/mlp/2", "plural nouns such as 'men'", "statistical", 0.5, 0.6, null, null,
                    List.of(), null, 1L).withSimulationLow(0.3));
            index.add(IndexedExplanation.of("m/0/mlp/3", "plural nouns such as 'children'", "statistical", 0.4, null, null, null,
                    List.of(), null, 1L));
            index.commit();

            Map<String, SearchHit> hits = index.search(SearchQuery.text("plural nouns", 10), null).hits().stream()
                    .collect(Collectors.toMap(SearchHit::featureId, h -> h));
            assertThat(hits).containsOnlyKeys("m/0/mlp/1", "m/0/mlp/2", "m/0/mlp/3");
            SearchHit h1 = hits.get("m/0/mlp/1");
            assertThat(h1.intervals()).isEqualTo(full);
            assertThat(h1.simulationLow()).isEqualTo(0.48);
            SearchHit h2 = hits.get("m/0/mlp/2");
            assertThat(h2.intervals()).isEqualTo(Intervals.NONE);
            assertThat(h2.simulationLow()).isEqualTo(0.3);
            assertThat(hits.get("m/0/mlp/3").intervals()).isEqualTo(Intervals.NONE);
            assertThat(hits.get("m/0/mlp/3").simulationLow()).isNull();

            // the lower-bound filter keeps the documents whose bound is high enough, old ones included
            assertThat(index.search(SearchQuery.text("plural nouns", 10).withMinScoreLow(0.25), null).hits())
                    .extracting(SearchHit::featureId).containsExactlyInAnyOrder("m/0/mlp/1", "m/0/mlp/2");
            assertThat(index.search(SearchQuery.text("plural nouns", 10).withMinScoreLow(0.4), null).hits())
                    .extracting(SearchHit::featureId).containsExactly("m/0/mlp/1");
            // browsing (no text) returns the same intervals
            assertThat(index.search(new SearchQuery("", "m", 0, null, null, null, null, 0, 10), null).hits())
                    .filteredOn(h -> h.featureId().equals("m/0/mlp/1")).singleElement()
                    .extracting(SearchHit::intervals).isEqualTo(full);
        }
    }

    @Test
    void boundsMustBeFiniteAndInOrder() {
        assertThatThrownBy(() -> new Intervals.Bounds(0.8, 0.2, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Intervals.Bounds(Double.NaN, 0.2, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Intervals.Bounds.of(null, 0.2, 10)).isNull();
        assertThat(Intervals.Bounds.of(Double.NaN, 0.2, 10)).isNull();
    }
}
