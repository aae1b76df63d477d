package lantern.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Force-merging a bulk-loaded index: fewer segments, the same documents, the same answers, the format kept. */
class IndexOptimizerTest {
    @TempDir
    Path dir;

    @Test
    void mergesSegmentsIntoOneAndEverySearchAnswersAsBefore() {
        float[][] v = VectorFormatTest.vectors(1200, 21);
        Random r = new Random(3);
        // 24 words, ~50 documents each: a query's matches all fit the fused window, so no tie among equal BM25
        // scores is broken by document order (which a merge may change)
        String[] words = new String[24];
        for (int w = 0; w < words.length; w++) words[w] = "word" + (char) ('a' + w) + " labels";
        try (FeatureIndex index = FeatureIndex.open(dir, VectorFormat.INT8)) {
            for (int round = 0; round < 4; round++) { // one segment a batch
                List<IndexedExplanation> batch = new ArrayList<>();
                for (int i = round * 300; i < (round + 1) * 300; i++) {
                    batch.add(IndexedExplanation.of("m/" + (i % 6) + "/mlp/" + i, words[r.nextInt(words.length)] + " " + i,
                            "statistical", r.nextDouble(), null, null, List.of(), v[i], 1L));
                }
                index.addAll(batch);
            }
            assertThat(index.storage().segments()).isEqualTo(4);
        }
        List<SearchResult> before = searches(v);

        List<String> lines = new ArrayList<>();
        IndexOptimizer.Result m = IndexOptimizer.forceMerge(dir, VectorFormat.INT8, 1, 2, lines::add, 1);
        assertThat(m.segmentsBefore()).isEqualTo(4);
        assertThat(m.segmentsAfter()).isEqualTo(1);
        assertThat(m.documents()).isEqualTo(1200);

        try (FeatureIndex index = FeatureIndex.openReadOnly(dir)) {
            assertThat(index.storage().segments()).isEqualTo(1);
            assertThat(index.storage().quantized()).isTrue();
            assertThat(index.size()).isEqualTo(1200);
        }
        List<SearchResult> after = searches(v);
        FeatureIndex.Side[] sides = FeatureIndex.Side.values();
        assertThat(before.stream().filter(res -> res.hits().size() > 10).count()).isGreaterThan(before.size() / 2);
        for (int i = 0; i < before.size(); i++) {
            SearchResult b = before.get(i), a = after.get(i);
            FeatureIndex.Side side = sides[i % sides.length];
            assertThat(a.total()).as("search %d", i).isEqualTo(b.total());
            assertThat(a.layerFacets()).as("search %d", i).isEqualTo(b.layerFacets());
            assertThat(a.hits()).as("search %d", i).hasSameSizeAs(b.hits());
            List<String> ids = b.hits().stream().map(SearchHit::featureId).toList();
            switch (side) {
                // distinct cosines: the same neighbours in the same order
                case VECTOR -> assertThat(a.hits()).extracting(SearchHit::featureId).containsExactlyElementsOf(ids);
                // every match fits the window; equal BM25 scores may be ordered by the new document order
                case TEXT -> assertThat(a.hits()).extracting(SearchHit::featureId).containsExactlyInAnyOrderElementsOf(ids);
                default -> { } // fused: rank fusion breaks those ties too, so only the counts above are compared
            }
        }
    }

    /** Text, vector and fused searches, with and without a layer filter. */
    private List<SearchResult> searches(float[][] v) {
        List<SearchResult> out = new ArrayList<>();
        try (FeatureIndex index = FeatureIndex.openReadOnly(dir)) {
            for (String text : new String[]{"worda", "wordk", "wordx"}) {
                for (Integer layer : new Integer[]{null, 2}) {
                    for (FeatureIndex.Side side : FeatureIndex.Side.values()) {
                        out.add(index.search(new SearchQuery(text, null, layer, null, null, null, 0, 100), v[7], side));
                    }
                }
            }
        }
        return out;
    }

    @Test
    void badInputIsRefusedAndALockedIndexIsLeftAlone() {
        assertThatThrownBy(() -> IndexOptimizer.forceMerge(dir.resolve("none"), VectorFormat.FLOAT, 1, 1, s -> { }, 1))
                .isInstanceOf(lantern.errors.InvalidInputException.class).hasMessageContaining("no index");
        assertThatThrownBy(() -> IndexOptimizer.forceMerge(dir, VectorFormat.FLOAT, 0, 1, s -> { }, 1))
                .isInstanceOf(lantern.errors.InvalidInputException.class).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> IndexOptimizer.forceMerge(dir, VectorFormat.FLOAT, 1, 1, s -> { }, 1))
                .isInstanceOf(lantern.errors.InvalidInputException.class).hasMessageContaining("no index");
        try (FeatureIndex index = FeatureIndex.open(dir)) {
            index.addAll(List.of(IndexedExplanation.of("m/0/mlp/1", "nouns", "statistical", 0.5, null, null, List.of(),
                    VectorFormatTest.vectors(1, 1)[0], 1L)));
            // the service holds the writer: the merge says so and changes nothing
            assertThatThrownBy(() -> IndexOptimizer.forceMerge(dir, VectorFormat.FLOAT, 1, 1, s -> { }, 1))
                    .isInstanceOf(lantern.errors.ConflictException.class).hasMessageContaining("stop the service");
            assertThat(index.size()).isEqualTo(1);
        }
    }
}
