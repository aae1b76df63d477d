package lantern.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static lantern.index.Docs.direction;
import static lantern.index.Docs.doc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeatureIndexTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsEveryField() {
        float[] v = direction(3, 4, 0.5f);
        var e = new IndexedExplanation("minilm-l6/2/mlp/984", "minilm-l6", 2, "mlp", 984, "nouns in the plural form",
                "statistical", 0.61, 0.8, 0.7, 0.42, List.of("##s", "cats", "dogs"), v, 1234L);
        try (FeatureIndex index = FeatureIndex.open(dir)) {
            index.addAll(List.of(e));
        }
        try (FeatureIndex index = FeatureIndex.open(dir)) {
            SearchResult r = index.search(SearchQuery.text("plural", 10), null);
            assertThat(r.total()).isEqualTo(1);
            SearchHit h = r.hits().getFirst();
            assertThat(h.featureId()).isEqualTo("minilm-l6/2/mlp/984");
            assertThat(h.model()).isEqualTo("minilm-l6");
            assertThat(h.layer()).isEqualTo(2);
            assertThat(h.kind()).isEqualTo("mlp");
            assertThat(h.index()).isEqualTo(984);
            assertThat(h.text()).isEqualTo("nouns in the plural form");
            assertThat(h.explainer()).isEqualTo("statistical");
            assertThat(h.simulation()).isEqualTo(0.61);
            assertThat(h.detection()).isEqualTo(0.8);
            assertThat(h.embeddingScore()).isEqualTo(0.7);
            assertThat(h.causal()).isEqualTo(0.42);
            assertThat(h.topTokens()).containsExactly("##s", "cats", "dogs");
            assertThat(h.createdAt()).isEqualTo(1234L);
            assertThat(h.match()).isEqualTo("text");
            // top tokens are searchable too
            assertThat(index.search(SearchQuery.text("cats", 10), null).hits()).extracting(SearchHit::featureId)
                    .containsExactly("minilm-l6/2/mlp/984");
            // the vector side finds it by its (normalized) embedding
            SearchResult byVector = index.search(SearchQuery.text("qqqq", 10), direction(3, 4, 0.5f));
            assertThat(byVector.hits()).extracting(SearchHit::match).containsExactly("vector");
        }
    }

    @Test
    void reindexingReplacesInsteadOfDuplicating() {
        try (FeatureIndex index = FeatureIndex.open(dir)) {
            index.addAll(List.of(doc("m/0/mlp/1", "first wording about verbs", "llm", 0.1, direction(1, 2, 0))));
            index.addAll(List.of(doc("m/0/mlp/1", "second wording about verbs", "llm", 0.5, direction(1, 2, 0))));
            index.add(doc("m/0/mlp/1", "third wording about verbs", "llm", 0.6, direction(1, 2, 0)));
            assertThat(index.size()).isEqualTo(1);
            assertThat(index.countFeature("m/0/mlp/1")).isEqualTo(1);
            assertThat(index.search(SearchQuery.text("verbs", 10), null).hits()).extracting(SearchHit::text)
                    .containsExactly("third wording about verbs");
            // another explainer of the same feature is a second document
            index.add(doc("m/0/mlp/1", "statistical wording about verbs", "statistical", 0.2, direction(1, 2, 0)));
            index.commit();
            assertThat(index.countFeature("m/0/mlp/1")).isEqualTo(2);
            assertThat(index.explanationsFor(List.of("m/0/mlp/1", "m/0/mlp/404")))
                    .containsOnlyKeys("m/0/mlp/1")
                    .extractingByKey("m/0/mlp/1").extracting(SearchHit::explainer).isEqualTo("llm");
        }
    }

    @Test
    void filtersSelectExactlyTheMatchingDocuments() {
        List<IndexedExplanation> all = new ArrayList<>();
        for (int layer = 0; layer < 3; layer++) {
            for (int i = 0; i < 4; i++) {
                all.add(IndexedExplanation.of("a/" + layer + "/mlp/" + i, "tokens about sports " + i,
                        i % 2 == 0 ? "llm" : "statistical", i == 3 ? null : i * 0.25, null, null, List.of(),
                        direction(i, 10 + layer, 0.3f), 1L));
            }
        }
        all.add(IndexedExplanation.of("b/1/sae-k32/7", "tokens about sports in b", "llm", 0.9, null, null, List.of(), null, 1L));
        try (FeatureIndex index = FeatureIndex.open(dir)) {
            index.addAll(all);
            for (String q : new String[]{"", "sports"}) {
                assertThat(ids(index, new SearchQuery(q, "b", null, null, null, null, 0, 100))).containsExactly("b/1/sae-k32/7");
                assertThat(ids(index, new SearchQuery(q, null, 2, null, null, null, 0, 100)))
                        .containsExactlyInAnyOrder("a/2/mlp/0", "a/2/mlp/1", "a/2/mlp/2", "a/2/mlp/3");
                assertThat(ids(index, new SearchQuery(q, null, null, "sae-k32", null, null, 0, 100))).containsExactly("b/1/sae-k32/7");
                assertThat(ids(index, new SearchQuery(q, "a", 1, "mlp", "statistical", null, 0, 100)))
                        .containsExactlyInAnyOrder("a/1/mlp/1", "a/1/mlp/3");
                // minScore: 0.5 and 0.9 pass, unscored documents never do
                assertThat(ids(index, new SearchQuery(q, null, null, null, null, 0.5, 0, 100)))
                        .containsExactlyInAnyOrder("a/0/mlp/2", "a/1/mlp/2", "a/2/mlp/2", "b/1/sae-k32/7");
            }
            SearchResult facets = index.search(new SearchQuery("", null, null, null, null, null, 0, 1), null);
            assertThat(facets.total()).isEqualTo(13);
            assertThat(new ArrayList<>(facets.layerFacets().entrySet())).containsExactly(
                    Map.entry(0, 4L), Map.entry(1, 5L), Map.entry(2, 4L));
            // browsing is ordered by simulation score, best first, unscored last
            List<SearchHit> browse = index.search(new SearchQuery("", "a", 0, null, null, null, 0, 10), null).hits();
            assertThat(browse).extracting(SearchHit::featureId).containsExactly("a/0/mlp/2", "a/0/mlp/1", "a/0/mlp/0", "a/0/mlp/3");
        }
    }

    @Test
    void minCausalKeepsCausalScoresAtOrAboveItAndDropsUnmeasuredOnes() {
        List<IndexedExplanation> all = new ArrayList<>();
        Double[] causal = {null, -0.2, 0.3, 0.8};
        for (int i = 0; i < causal.length; i++) {
            all.add(IndexedExplanation.of("m/0/mlp/" + i, "commas " + i, "statistical", 0.5, null, null, causal[i],
                    List.of(), direction(i, 10, 0.3f), 1L));
        }
        try (FeatureIndex index = FeatureIndex.open(dir)) {
            index.addAll(all);
            for (String q : new String[]{"", "commas"}) {
                assertThat(ids(index, new SearchQuery(q, null, null, null, null, null, 0.3, 0, 100)))
                        .containsExactlyInAnyOrder("m/0/mlp/2", "m/0/mlp/3");
                assertThat(ids(index, new SearchQuery(q, null, null, null, null, null, -1.0, 0, 100)))
                        .containsExactlyInAnyOrder("m/0/mlp/1", "m/0/mlp/2", "m/0/mlp/3");
                assertThat(ids(index, new SearchQuery(q, null, null, null, null, null, 0, 100))).hasSize(4);
            }
            assertThat(index.explanationsFor(List.of("m/0/mlp/0", "m/0/mlp/3")).values())
                    .extracting(SearchHit::causal).containsExactly(null, 0.8);
        }
        assertThatThrownBy(() -> new SearchQuery("x", null, null, null, null, null, 1.5, 0, 10)).hasMessageContaining("minCausal");
        assertThatThrownBy(() -> IndexedExplanation.of("m/0/mlp/1", "t", "llm", null, null, null, Double.NaN, null, null, 0))
                .hasMessageContaining("causal");
    }

    @Test
    void badQueriesAreRejectedWithAMessage() {
        assertThatThrownBy(() -> new SearchQuery("x", null, -1, null, null, null, 0, 10)).hasMessageContaining("layer");
        assertThatThrownBy(() -> new SearchQuery("x", null, null, null, null, 2.0, 0, 10)).hasMessageContaining("minScore");
        assertThatThrownBy(() -> new SearchQuery("x", null, null, null, null, null, 0, 0)).hasMessageContaining("limit");
        assertThatThrownBy(() -> new SearchQuery("x", null, null, null, null, null, 990, 20)).hasMessageContaining("offset");
        assertThatThrownBy(() -> IndexedExplanation.of("m/0/mlp", "t", "llm", null, null, null, null, null, 0))
                .isInstanceOf(IllegalArgumentException.class);
        try (FeatureIndex index = FeatureIndex.open(dir)) {
            assertThatThrownBy(() -> index.add(doc("m/0/mlp/1", "t", "llm", null, new float[12])))
                    .hasMessageContaining("384");
        }
    }

    @Test
    void pagesTileTheResultsWithoutOverlap() {
        List<IndexedExplanation> all = IntStream.range(0, 57).mapToObj(i ->
                doc("m/" + (i % 3) + "/mlp/" + i, "fires on commas and punctuation " + "x".repeat(1 + i % 7), "llm",
                        (i % 10) / 10.0, direction(i % 50, 60, 0.2f))).toList();
        try (FeatureIndex index = FeatureIndex.open(dir)) {
            index.addAll(all);
            for (String q : new String[]{"", "punctuation"}) {
                float[] v = q.isEmpty() ? null : direction(5, 60, 0.2f);
                SearchQuery whole = new SearchQuery(q, null, null, null, null, null, 0, 100);
                List<String> expected = index.search(whole, v).hits().stream().map(SearchHit::featureId).toList();
                assertThat(expected).hasSize(57).doesNotHaveDuplicates();
                List<String> paged = new ArrayList<>();
                for (int offset = 0; offset < 70; offset += 10) {
                    SearchResult page = index.search(whole.withPage(offset, 10), v);
                    assertThat(page.total()).isEqualTo(57);
                    assertThat(page.layerFacets().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(57);
                    page.hits().forEach(h -> paged.add(h.featureId()));
                }
                assertThat(paged).isEqualTo(expected);
            }
        }
    }

    @Test
    void fusionOrdersByReciprocalRank() {
        // text ranks: t1 ("plural" twice, short) > t2 > t3; vector ranks: v1 (= t2) > v2; only t2 is on both sides
        // (quality weight 0: reciprocal-rank fusion alone; RankingQualityTest covers the weighting)
        try (FeatureIndex index = FeatureIndex.open(dir, FeatureIndex.DEFAULT_MIN_COSINE, 0)) {
            index.addAll(List.of(
                    doc("m/0/mlp/1", "plural plural", "llm", 0.1, direction(100, 101, 0)),
                    doc("m/0/mlp/2", "plural forms of many nouns here", "llm", 0.2, direction(7, 8, 0.1f)),
                    doc("m/0/mlp/3", "plural and other long words that dilute the term frequency a lot", "llm", 0.3,
                            direction(200, 201, 0)),
                    doc("m/0/mlp/4", "unrelated to the query words", "llm", 0.4, direction(7, 8, 0.6f))));
            float[] query = direction(7, 8, 0);
            List<String> textOnly = ids(index.search(SearchQuery.text("plural", 10), null));
            List<String> vectorOnly = ids(index.search(SearchQuery.text("qqqq", 10), query));
            assertThat(textOnly).containsExactly("m/0/mlp/1", "m/0/mlp/2", "m/0/mlp/3");
            assertThat(vectorOnly).containsExactly("m/0/mlp/2", "m/0/mlp/4");

            SearchResult fused = index.search(SearchQuery.text("plural", 10), query);
            // expected from the RRF formula sum(1 / (60 + rank)) over the two lists above
            Map<String, Double> rrf = new HashMap<>();
            for (List<String> list : List.of(textOnly, vectorOnly)) {
                for (int r = 0; r < list.size(); r++) rrf.merge(list.get(r), 1.0 / (60 + r + 1), Double::sum);
            }
            List<String> expected = rrf.entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).map(Map.Entry::getKey).toList();
            assertThat(ids(fused)).isEqualTo(expected).containsExactly("m/0/mlp/2", "m/0/mlp/1", "m/0/mlp/4", "m/0/mlp/3");
            assertThat(fused.hits()).extracting(SearchHit::match).containsExactly("both", "text", "vector", "text");
            assertThat(fused.hits()).extracting(SearchHit::relevance).isSortedAccordingTo(Comparator.reverseOrder());
        }
    }

    @Test
    void onlyCommittedWritesSurviveAClose() {
        try (FeatureIndex index = FeatureIndex.open(dir)) {
            index.addAll(IntStream.range(0, 10).mapToObj(i -> doc("m/0/mlp/" + i, "acknowledged " + i, "llm", 0.5, null)).toList());
            for (int i = 10; i < 15; i++) index.add(doc("m/0/mlp/" + i, "not acknowledged " + i, "llm", 0.5, null));
            assertThat(index.size()).isEqualTo(15); // near-real-time: visible before the commit
        }
        try (FeatureIndex index = FeatureIndex.open(dir)) {
            assertThat(index.size()).isEqualTo(10);
            assertThat(index.search(SearchQuery.text("acknowledged", 100), null).hits()).extracting(SearchHit::featureId)
                    .allMatch(id -> Integer.parseInt(id.substring(id.lastIndexOf('/') + 1)) < 10);
            for (int i = 10; i < 15; i++) index.add(doc("m/0/mlp/" + i, "acknowledged later " + i, "llm", 0.5, null));
            index.commit();
        }
        try (FeatureIndex index = FeatureIndex.open(dir); FeatureIndex reader = FeatureIndex.openReadOnly(dir)) {
            assertThat(index.size()).isEqualTo(15);
            assertThat(reader.size()).isEqualTo(15);
            assertThatThrownBy(() -> reader.add(doc("m/0/mlp/99", "x", "llm", null, null))).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void readOnlyOpenOfAMissingIndexIsEmpty() {
        try (FeatureIndex reader = FeatureIndex.openReadOnly(dir.resolve("nothing"))) {
            assertThat(reader.search(SearchQuery.text("x", 10), null).hits()).isEmpty();
            assertThat(reader.size()).isZero();
        }
    }

    private static List<String> ids(FeatureIndex index, SearchQuery q) {
        float[] v = q.browsing() ? null : direction(0, 10, 0.3f);
        return ids(index.search(q, v));
    }

    private static List<String> ids(SearchResult r) {
        return r.hits().stream().map(SearchHit::featureId).toList();
    }
}
