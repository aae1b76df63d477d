package lantern.eval.bench;

import lantern.api.ActivationRecord;
import lantern.explainer.explain.Rule;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The faithfulness bench's self-report row: which class a verbalizer label names, and the tally. */
class VerbalizerRowTest {
    static ActivationRecord window(List<String> tokens, List<String> tags) {
        return new ActivationRecord(tokens, new float[tokens.size()], tags, null);
    }

    @Test
    void aLabelNamesTheTagItsTokenCarriesMostOftenInTheExplainWindows() {
        var w1 = window(List.of(" the", " run", " was", " long"), List.of("AT", "NN", "BED", "JJ"));
        var w2 = window(List.of(" they", " run", " home"), List.of("PPSS", "VB", "NR"));
        var w3 = window(List.of(" a", " run", " scored"), List.of("AT", "NN", "VBD"));
        assertThat(VerbalizerRow.familyOf(Rule.tokens(Set.of(" Run")), List.of(w1, w2, w3))).isEqualTo("NN");
        // a tie goes to the alphabetically first family; a token never seen names nothing
        assertThat(VerbalizerRow.familyOf(Rule.tokens(Set.of(" run")), List.of(w1, w2))).isEqualTo("NN");
        assertThat(VerbalizerRow.familyOf(Rule.tokens(Set.of(" run")), List.of(w2))).isEqualTo("VB");
        assertThat(VerbalizerRow.familyOf(Rule.tokens(Set.of(" walk")), List.of(w1, w2, w3))).isNull();
        assertThat(VerbalizerRow.familyOf(null, List.of(w1))).isNull();
    }

    @Test
    void theTallyCountsNamedAndRightUnitsPerDefinition() {
        var p = FaithfulnessBench.Definition.PRECISION;
        var d = FaithfulnessBench.Definition.DETECTOR;
        var truthNn = new FaithfulnessBench.Truth("NN", 0.95, 50, 0.95);
        var truthJj = new FaithfulnessBench.Truth("JJ", 0.92, 50, Double.NaN);
        var a = new FaithfulnessBench.Unit("m/0/mlp/1", 0, Map.of(p, truthNn, d, truthNn), Map.of(), 0.6);
        var b = new FaithfulnessBench.Unit("m/0/mlp/2", 0, Map.of(p, truthJj), Map.of(), 0.4);
        var c = new FaithfulnessBench.Unit("m/0/mlp/3", 0, Map.of(p, truthNn), Map.of(), 0.4);
        Map<String, VerbalizerRow.Verdict> verdicts = Map.of(
                "m/0/mlp/1", new VerbalizerRow.Verdict("x", null, 0.7, "NN"),   // names it, right
                "m/0/mlp/2", new VerbalizerRow.Verdict("y", null, 0.9, "NN"),   // names another class
                "m/0/mlp/3", new VerbalizerRow.Verdict("z", null, 0.2, "NN"));  // names it, simulation too low
        var t = VerbalizerRow.tally(List.of(a, b, c), verdicts, p, 0.5);
        assertThat(t.units()).isEqualTo(3);
        assertThat(t.named()).isEqualTo(2);
        assertThat(t.right()).isEqualTo(1);
        assertThat(t.meanSimulation()).isCloseTo(0.6, org.assertj.core.api.Assertions.within(1e-12));
        var td = VerbalizerRow.tally(List.of(a, b, c), verdicts, d, 0.5);
        assertThat(td.units()).isEqualTo(1);
        assertThat(td.right()).isEqualTo(1);
    }
}
