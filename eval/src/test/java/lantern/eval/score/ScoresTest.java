package lantern.eval.score;

import lantern.api.ActivationRecord;
import lantern.explainer.explain.Explanation;
import lantern.explainer.explain.RecordSplit;
import lantern.explainer.explain.RecordSplitter;
import lantern.explainer.explain.StatisticalExplainer;
import lantern.explainer.simulate.StatisticalSimulator;
import lantern.collect.testing.Records;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ScoresTest {
    @Test
    void aucAndBalancedAccuracyOnKnownCases() {
        assertThat(RocAuc.of(new double[]{3, 4}, new double[]{1, 2})).isEqualTo(1.0);
        assertThat(RocAuc.of(new double[]{1, 2}, new double[]{3, 4})).isEqualTo(0.0);
        assertThat(RocAuc.of(new double[]{1, 3}, new double[]{2, 2})).isEqualTo(0.5);
        assertThat(RocAuc.of(new double[]{2}, new double[]{2})).isEqualTo(0.5);
        assertThat(RocAuc.of(new double[]{}, new double[]{1})).isNaN();
        assertThat(BalancedAccuracy.of(new boolean[]{true, true, false, false}, new boolean[]{true, false, false, false})).isEqualTo(0.75);
        assertThat(BalancedAccuracy.of(new boolean[]{true}, new boolean[]{true})).isNaN();
    }

    @Test
    void nnsFeatureScoresHighOnEveryScoreWithRealMiniLm() {
        var records = Records.build("ca01", "cb02", 40, 20,
                (w, i) -> w.get(i).tag().equals("NNS") ? 3f : 0f);
        RecordSplit split = RecordSplitter.defaults().split(records);
        Explanation e = new StatisticalExplainer().explain(split);

        SimulationScore sim = new SimulationScorer().score(e, split, new StatisticalSimulator()).score();
        assertThat(sim.correlation()).isCloseTo(1.0, within(1e-9));
        assertThat(sim.simulator()).isEqualTo("statistical");
        assertThat(sim.nHeldOutTop()).isEqualTo(20);
        assertThat(sim.nRandom()).isEqualTo(20);
        assertThat(sim.nFailed()).isZero();

        DetectionScore det = new DetectionScorer().score(e, split, new StatisticalDetector()).score();
        assertThat(det.balancedAccuracy()).isEqualTo(1.0);
        assertThat(det.nPositive() + det.nNegative()).isEqualTo(40);
        assertThat(det.nNegative()).isPositive();

        EmbeddingScore emb = new EmbeddingScorer(OnnxMiniLm.get(), "minilm-l6").score(e, split);
        assertThat(emb.auc()).isBetween(0.0, 1.0);
        assertThat(emb.nPositive() + emb.nNegative()).isEqualTo(40);
    }

    @Test
    void embeddingAucSeparatesTopicalWindows() {
        List<ActivationRecord> top = List.of(
                rec("the team won the football match in extra time", 5), rec("the striker scored a late goal for the club", 4),
                rec("fans cheered as the goalkeeper saved a penalty", 4), rec("the coach praised the players after the game", 3));
        List<ActivationRecord> random = List.of(
                rec("the recipe needs two cups of flour and sugar", 0), rec("interest rates rose at the central bank", 0),
                rec("the violinist played a quiet sonata", 0), rec("rain is expected across the north tonight", 0),
                rec("the league final drew a record crowd", 3));
        RecordSplit split = new RecordSplitter(2, 2, 10).split(top, random);
        EmbeddingScore good = new EmbeddingScorer(OnnxMiniLm.get(), "minilm-l6").score(Explanation.ofText("football and soccer matches", "t"), split);
        EmbeddingScore bad = new EmbeddingScorer(OnnxMiniLm.get(), "minilm-l6").score(Explanation.ofText("baking and cooking recipes", "t"), split);
        assertThat(good.auc()).isGreaterThan(0.9);
        assertThat(bad.auc()).isLessThan(good.auc());
        assertThat(good.nPositive()).isEqualTo(3);
    }

    private static ActivationRecord rec(String text, float a) {
        List<String> tokens = List.of(text.split(" "));
        float[] acts = new float[tokens.size()];
        acts[1] = a;
        return new ActivationRecord(tokens, acts);
    }
}
