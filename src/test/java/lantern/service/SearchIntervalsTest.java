package lantern.service;

import lantern.core.ExplanationScores;
import lantern.core.ExplanationStore;
import lantern.core.ExplanationResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.api.FeatureId;
import lantern.llm.LlmUsage;
import lantern.index.FeatureIndex;
import lantern.index.Intervals;
import lantern.index.SearchHit;
import lantern.index.SearchQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/**
 * A stored explanation's intervals reach the index (as the service indexes it, and when the index is rebuilt from
 * the histories), and a search hit's JSON carries every score as {@code {value, ci95, n}}.
 */
class SearchIntervalsTest {
    @TempDir
    Path data;

    static ExplanationResult scored(String feature, String text) {
        var ci = new ExplanationScores.Intervals(new ExplanationScores.Ci(0.48, 0.74, 40), new ExplanationScores.Ci(0.55, 0.85, 40),
                new ExplanationScores.Ci(0.6, 0.9, 40), new ExplanationScores.Ci(0.5, 0.7, 20), null);
        var causal = new ExplanationScores.Causal(0.2, 1.5, 0.003, 0.002, 12, 12, "zero-ablate " + feature, List.of(-0.05, 0.41));
        var scores = new ExplanationScores(0.62, "statistical", 0.7, "statistical", 0.75, "minilm-l6", causal, 20, 20, 0,
                ci, 0.6, null);
        return new ExplanationResult(feature, text, "statistical", scores, "2026-01-02T00:00:00Z", LlmUsage.NONE, null);
    }

    @Test
    void theIndexKeepsEveryIntervalAndARebuildKeepsThemToo() throws Exception {
        ExplanationResult e = scored("m/0/mlp/1", "plural nouns");
        Intervals expected = new Intervals(new Intervals.Bounds(0.48, 0.74, 40), new Intervals.Bounds(0.55, 0.85, 40),
                new Intervals.Bounds(0.6, 0.9, 40), new Intervals.Bounds(-0.05, 0.41, 24));
        assertThat(SearchService.indexed(e, List.of("years"), IndexFaultsTest.vector("x"), 1L).intervals()).isEqualTo(expected);

        new ExplanationStore(data).append(FeatureId.parse("m/0/mlp/1"), e);
        IndexRebuilder.rebuild(data, IndexFaultsTest::vector, id -> List.of("years"));
        try (FeatureIndex index = FeatureIndex.openReadOnly(data.resolve("index"))) {
            SearchHit hit = index.search(SearchQuery.text("plural nouns", 5).withMinScoreLow(0.4), null).hits().getFirst();
            assertThat(hit.intervals()).isEqualTo(expected);
            assertThat(hit.simulationLow()).isEqualTo(0.48);

            JsonNode json = new ObjectMapper().valueToTree(SearchResource.Hit.of(hit));
            assertThat(json.at("/score").asDouble()).isEqualTo(0.62);
            assertThat(json.at("/scoreLow").asDouble()).isEqualTo(0.48);
            assertThat(json.at("/scores/simulation/value").asDouble()).isEqualTo(0.62);
            assertThat(json.at("/scores/simulation/ci95/0").asDouble()).isEqualTo(0.48);
            assertThat(json.at("/scores/simulation/ci95/1").asDouble()).isEqualTo(0.74);
            assertThat(json.at("/scores/simulation/n").asInt()).isEqualTo(40);
            assertThat(json.at("/scores/detection/ci95/1").asDouble()).isEqualTo(0.85);
            assertThat(json.at("/scores/embedding/ci95/0").asDouble()).isEqualTo(0.6);
            assertThat(json.at("/scores/causal/value").asDouble()).isEqualTo(0.2);
            assertThat(json.at("/scores/causal/ci95/0").asDouble()).isCloseTo(-0.05, offset(1e-12));
            assertThat(json.at("/scores/causal/n").asInt()).isEqualTo(24);
        }
    }

    @Test
    void aHitIndexedBeforeIntervalsHasNoneButKeepsItsScores() {
        SearchHit old = new SearchHit("m/0/mlp/2", "m", 0, "mlp", 2, "commas", "statistical", 0.5, 0.6, null, null,
                List.of(), 1L, "text", 0.1, 0.3);
        JsonNode json = new ObjectMapper().valueToTree(SearchResource.Hit.of(old));
        assertThat(json.at("/scores/simulation/value").asDouble()).isEqualTo(0.5);
        assertThat(json.at("/scores/simulation/ci95").isNull()).isTrue();
        assertThat(json.at("/scores/detection/value").asDouble()).isEqualTo(0.6);
        assertThat(json.at("/scores/embedding").isNull()).isTrue();
        assertThat(json.at("/scoreLow").asDouble()).isEqualTo(0.3);
    }
}
