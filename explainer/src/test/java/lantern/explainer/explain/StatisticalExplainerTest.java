package lantern.explainer.explain;

import lantern.explainer.FeatureRecords;
import lantern.explainer.simulate.StatisticalSimulator;
import lantern.explainer.testing.Records;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StatisticalExplainerTest {
    private final StatisticalExplainer explainer = new StatisticalExplainer();

    /** Correlation of the statistical simulation with the truth over the scoring windows. */
    private static double simulationScore(Explanation e, RecordSplit split) {
        List<Double> t = new ArrayList<>(), p = new ArrayList<>();
        StatisticalSimulator sim = new StatisticalSimulator();
        for (var r : split.scoring()) {
            double[] pred = sim.simulate(e, r).predicted();
            for (int i = 0; i < r.size(); i++) {
                t.add((double) r.activations()[i]);
                p.add(pred[i]);
            }
        }
        return Correlation.pearson(t.stream().mapToDouble(x -> x).toArray(), p.stream().mapToDouble(x -> x).toArray());
    }

    @Test
    void featureFiringOnPluralNounsIsExplainedAsNns() {
        // a feature that fires exactly on plural nouns (Brown NNS), with strength varying by word length
        FeatureRecords records = Records.build("ca01", "cb02", 40, 20,
                (w, i) -> w.get(i).tag().equals("NNS") ? 2f + w.get(i).token().length() % 3 : 0f);
        RecordSplit split = RecordSplitter.defaults().split(records);
        Explanation e = explainer.explain(split);

        assertThat(e.rule()).isEqualTo(Rule.tag("NNS"));
        assertThat(e.text()).startsWith("plural nouns (Brown tag NNS), such as '");
        assertThat(e.explainer()).isEqualTo("statistical");
        double score = simulationScore(e, split);
        assertThat(score).isGreaterThan(0.85);
        assertThat(split.random()).isNotEmpty();
    }

    @Test
    void featureFiringOnFewTokensIsExplainedByThoseTokens() {
        FeatureRecords records = Records.build("ca02", "cb03", 40, 20,
                (w, i) -> switch (w.get(i).token()) {
                    case "said" -> 5f;
                    case "would", "new" -> 3f;
                    default -> 0f;
                });
        RecordSplit split = RecordSplitter.defaults().split(records);
        Explanation e = explainer.explain(split);
        assertThat(e.rule().kind()).isEqualTo(Rule.Kind.TOKEN);
        assertThat(e.rule().values()).contains("said", "would");
        assertThat(e.text()).startsWith("the tokens 'said'");
        assertThat(simulationScore(e, split)).isGreaterThan(0.8);
    }

    @Test
    void featureFiringOnArticlesIsExplainedByTheTagNotAWordList() {
        // 'the', 'a', 'an' are exactly Brown's AT family: the simpler hypothesis should win
        FeatureRecords records = Records.build("ca02", "cb03", 40, 20,
                (w, i) -> switch (w.get(i).token()) {
                    case "the" -> 5f;
                    case "a", "an" -> 3f;
                    default -> 0f;
                });
        Explanation e = explainer.explain(RecordSplitter.defaults().split(records));
        assertThat(e.rule()).isEqualTo(Rule.tag("AT"));
        assertThat(e.text()).startsWith("articles (Brown tag AT), such as 'the'");
    }

    @Test
    void featureFiringAfterOfIsExplainedByThePrecedingToken() {
        FeatureRecords records = Records.build("ca03", "cb04", 40, 20,
                (w, i) -> i > 0 && w.get(i - 1).token().equals("of") ? 4f : 0f);
        RecordSplit split = RecordSplitter.defaults().split(records);
        Explanation e = explainer.explain(split);
        assertThat(e.rule()).isEqualTo(Rule.precededBy(java.util.Set.of("of")));
        assertThat(e.text()).startsWith("tokens right after 'of'");
        assertThat(simulationScore(e, split)).isGreaterThan(0.99);
    }

    @Test
    void continuationPiecesAreFoundFromWordPieceMarks() {
        var r1 = new lantern.explainer.ActivationRecord(List.of("play", "##ing", "the", "walk", "##ed", "home"), new float[]{0, 3, 0, 0, 4, 0});
        var r2 = new lantern.explainer.ActivationRecord(List.of("un", "##like", "##ly", "cats", "run", "##s"), new float[]{0, 2, 3, 0, 0, 5});
        RecordSplit split = new RecordSplitter(10, 0, 0).split(List.of(r1, r2), List.of());
        Explanation e = explainer.explain(split);
        assertThat(e.rule().kind()).isEqualTo(Rule.Kind.CONTINUATION);
        assertThat(e.text()).startsWith("word pieces that continue a word").contains("'##s'");
    }
}
