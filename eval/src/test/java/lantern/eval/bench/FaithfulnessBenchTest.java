package lantern.eval.bench;

import lantern.eval.bench.FaithfulnessBench.Definition;
import lantern.api.ActivationRecord;
import lantern.api.FeatureRecords;
import lantern.explainer.explain.RecordSplitter;
import lantern.explainer.explain.Rule;
import lantern.explainer.explain.StatisticalExplainer.Search;
import lantern.collect.testing.Records;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FaithfulnessBenchTest {
    private static final List<String> FILES = List.of("ca01", "ca02", "ca03", "ca04");
    private final FaithfulnessBench bench = new FaithfulnessBench(FaithfulnessBench.Settings.defaults(), RecordSplitter.defaults());

    @Test
    void aUnitDominatedByOneClassIsAGroundTruthUnitUnderBothDefinitionsAndTheCrossValidatedSearchNamesIt() {
        FeatureRecords records = Records.build(FILES, "cb02", 80, 20, 32,
                (w, i) -> w.get(i).tag().equals("JJ") ? 1f + Math.floorMod(w.get(i).token().hashCode(), 4) : 0f);
        var unit = bench.run(records, List.of(Search.LEGACY, Search.CROSS_VALIDATED)).orElseThrow();
        assertThat(unit.truths()).containsOnlyKeys(Definition.PRECISION, Definition.DETECTOR);
        assertThat(unit.truths().get(Definition.PRECISION).family()).isEqualTo("JJ");
        assertThat(unit.truths().get(Definition.PRECISION).precision()).isEqualTo(1.0);
        assertThat(unit.truths().get(Definition.DETECTOR).separation()).isGreaterThan(0.99);
        assertThat(unit.right(Search.CROSS_VALIDATED, Definition.DETECTOR, 0.5)).isTrue();
        assertThat(unit.classSimulation()).isGreaterThan(0.5);
        var report = new FaithfulnessReport(Definition.DETECTOR, 0.5, List.of(Search.LEGACY, Search.CROSS_VALIDATED));
        assertThat(report.rightFraction(List.of(unit), Search.CROSS_VALIDATED)).isEqualTo(1.0);
        assertThat(report.render(List.of(unit), Map.of(0, 1), 5)).contains("JJ").contains("all").contains("cv right");
    }

    @Test
    void aUnitOnAFewWordsOfAClassPassesPrecisionButIsNoDetector() {
        // fires on one noun type in four and on no other token: every strong activation is a noun (precision 1),
        // but most nouns stay silent, so "singular nouns" does not separate its activations
        FeatureRecords records = Records.build(FILES, "cb02", 80, 20, 32,
                (w, i) -> w.get(i).tag().equals("NN") && Math.floorMod(w.get(i).token().hashCode(), 4) == 0 ? 2f + i % 3 : 0f);
        var unit = bench.run(records, List.of(Search.CROSS_VALIDATED)).orElseThrow();
        assertThat(unit.truths()).containsOnlyKeys(Definition.PRECISION);
        assertThat(unit.truths().get(Definition.PRECISION).family()).isEqualTo("NN");
        assertThat(unit.truths().get(Definition.PRECISION).separation()).isLessThan(0.9);
        var report = new FaithfulnessReport(Definition.DETECTOR, 0.5, List.of(Search.CROSS_VALIDATED));
        assertThat(report.units(List.of(unit))).isEmpty();
    }

    @Test
    void theDetectorsSelectionWindowsAreNeitherExplainNorScoringWindows() {
        // with only 40 top windows every one of them explains or scores: nothing is left to select a detector with
        FeatureRecords records = Records.build(FILES, "cb02", 40, 20, 32,
                (w, i) -> w.get(i).tag().equals("NN") ? 1f + Math.floorMod(w.get(i).token().hashCode(), 4) : 0f);
        var split = RecordSplitter.defaults().split(records);
        assertThat(bench.truth(records, split, Definition.PRECISION)).isPresent();
        assertThat(bench.truth(records, split, Definition.DETECTOR)).isEmpty();
    }

    @Test
    void separationIsTheProbabilityThatAClassTokenOutFiresAnotherToken() {
        var r = new ActivationRecord(List.of("a", "b", "c", "d"), new float[] {3, 1, 2, 0}, List.of("NN", "NN", "VB", "VB"), null);
        // class NN {3, 1} vs others {2, 0}: pairs (3>2, 3>0, 1<2, 1>0) -> 3 of 4
        assertThat(FaithfulnessBench.separation(List.of(r), "NN")).isCloseTo(0.75, within(1e-9));
        var tie = new ActivationRecord(List.of("a", "b"), new float[] {1, 1}, List.of("NN", "VB"), null);
        assertThat(FaithfulnessBench.separation(List.of(tie), "NN")).isCloseTo(0.5, within(1e-9));
        assertThat(FaithfulnessBench.separation(List.of(tie), "JJ")).isNaN();
    }

    @Test
    void aUnitOnOneWordOrOnMixedClassesIsNoGroundTruthUnit() {
        FeatureRecords oneWord = Records.build("ca01", "cb02", 80, 20, (w, i) -> w.get(i).token().equals("the") ? 2f + i % 3 : 0f);
        assertThat(bench.run(oneWord, List.of(Search.CROSS_VALIDATED))).isEmpty();
        FeatureRecords mixed = Records.build("ca01", "cb02", 80, 20,
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
