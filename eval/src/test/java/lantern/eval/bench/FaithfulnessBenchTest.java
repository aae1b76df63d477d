package lantern.eval.bench;

import lantern.explainer.FeatureRecords;
import lantern.explainer.explain.RecordSplitter;
import lantern.explainer.explain.Rule;
import lantern.explainer.explain.StatisticalExplainer.Search;
import lantern.explainer.testing.Records;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class FaithfulnessBenchTest {
    private final FaithfulnessBench bench = new FaithfulnessBench(FaithfulnessBench.Settings.defaults(), RecordSplitter.defaults());

    @Test
    void aUnitDominatedByOneClassIsAGroundTruthUnitAndTheCrossValidatedSearchNamesIt() {
        FeatureRecords records = Records.build("ca01", "cb02", 60, 20,
                (w, i) -> w.get(i).tag().equals("JJ") ? 1f + Math.floorMod(w.get(i).token().hashCode(), 4) : 0f);
        var unit = bench.run(records, List.of(Search.LEGACY, Search.CROSS_VALIDATED)).orElseThrow();
        assertThat(unit.truth().family()).isEqualTo("JJ");
        assertThat(unit.truth().precision()).isEqualTo(1.0);
        assertThat(unit.verdicts().get(Search.CROSS_VALIDATED).right()).isTrue();
        String table = FaithfulnessReport.render(List.of(unit), Map.of(0, 1), List.of(Search.LEGACY, Search.CROSS_VALIDATED), 5);
        assertThat(table).contains("JJ").contains("all");
    }

    @Test
    void aUnitOnOneWordOrOnMixedClassesIsNoGroundTruthUnit() {
        FeatureRecords oneWord = Records.build("ca01", "cb02", 60, 20, (w, i) -> w.get(i).token().equals("the") ? 2f + i % 3 : 0f);
        assertThat(bench.run(oneWord, List.of(Search.CROSS_VALIDATED))).isEmpty();
        FeatureRecords mixed = Records.build("ca01", "cb02", 60, 20,
                (w, i) -> Set.of("NN", "VBD", "IN").contains(w.get(i).tag()) ? 1f + i % 3 : 0f);
        assertThat(bench.run(mixed, List.of(Search.CROSS_VALIDATED))).isEmpty();
    }

    @Test
    void aPunctuationClassIsNamedByTheTagOrByItsMarks() {
        assertThat(FaithfulnessBench.namesClass(Rule.tag(","), ",")).isTrue();
        assertThat(FaithfulnessBench.namesClass(Rule.tokens(Set.of(",")), ",")).isTrue();
        assertThat(FaithfulnessBench.namesClass(Rule.tag("PUNCT"), ",")).isTrue();
        assertThat(FaithfulnessBench.namesClass(Rule.tokens(Set.of(",", "and")), ",")).isFalse();
        assertThat(FaithfulnessBench.namesClass(Rule.tag("NN").and(Rule.of(Rule.Kind.WORD_END)), "NN")).isTrue();
        assertThat(FaithfulnessBench.namesClass(Rule.tokens(Set.of("big", "small")), "JJ")).isFalse();
    }
}
