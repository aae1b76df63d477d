package lantern.subject.circuits;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Pruning on a hand-made graph whose influences were worked out by hand. Nodes: features f0 f1 f2, errors e0 e1,
 * tokens t0 t1, one logit L (p = 0.5). Edges: L←f0 6, L←f1 2, L←t1 2; f0←t0 1, f0←e0 1; f1←t1 4; f2←t0 1.
 * Influence (w A + w A² ...): f0 .3, f1 .1, f2 0, e0 .15, e1 0, t0 .15, t1 .2 (sum .9); the 0.8 node cut falls
 * at .15, so f1 and f2 go. On the kept graph: L←f0 .375, f0←t0 .1875, f0←e0 .1875, L←t1 .125 (sum .875): 0.98
 * keeps all four, 0.8 cuts at .1875 and drops L←t1. Replacement .35 / (.35 + .15) = 0.7; completeness
 * (1.4 − .5 × .3) / 1.4.
 */
class GraphPrunerTest {
    static final int F0 = 0, F1 = 1, F2 = 2, E0 = 3, E1 = 4, T0 = 5, T1 = 6, L = 7;

    static float[][] graph() {
        float[][] a = new float[8][];
        a[L] = new float[8];
        a[L][F0] = 6;
        a[L][F1] = -2; // sign does not matter for influence
        a[L][T1] = 2;
        a[F0] = new float[8];
        a[F0][T0] = 1;
        a[F0][E0] = -1;
        a[F1] = new float[8];
        a[F1][T1] = 4;
        a[F2] = new float[8];
        a[F2][T0] = 1;
        return a;
    }

    @Test
    void influencesAndCutsMatchTheHandComputation() {
        GraphPruner.Result r = GraphPruner.prune(graph(), 3, 5, 2, new float[]{0.5f}, 0.8, 0.98);
        assertThat(r.influence()).containsExactly(new double[]{.3, .1, 0, .15, 0, .15, .2, 0}, within(1e-9));
        assertThat(r.nodes()).containsExactly(true, false, false, true, false, true, true, true);
        assertThat(r.edges()[L].stream().toArray()).containsExactly(F0, T1);
        assertThat(r.edges()[F0].stream().toArray()).containsExactly(E0, T0);
        assertThat(r.keptEdges()).isEqualTo(4);
        assertThat(r.replacementScore()).isCloseTo(0.7, within(1e-9));
        assertThat(r.completenessScore()).isCloseTo((1.4 - 0.15) / 1.4, within(1e-9));
        assertThat((double) r.cumulative()[F0]).isCloseTo(0.3 / 0.9, within(1e-6));
        assertThat((double) r.cumulative()[T1]).isCloseTo(0.5 / 0.9, within(1e-6));
        assertThat((double) r.cumulative()[F1]).isCloseTo(0.9 / 0.9, within(1e-6));
    }

    @Test
    void aTighterEdgeCutDropsTheWeakestEdgeAndDanglingNodesGo() {
        GraphPruner.Result r = GraphPruner.prune(graph(), 3, 5, 2, new float[]{0.5f}, 0.8, 0.8);
        assertThat(r.edges()[L].stream().toArray()).containsExactly(F0);
        assertThat(r.keptEdges()).isEqualTo(3);
        assertThat(r.nodes()[T1]).as("tokens always stay").isTrue();
        // a node cut of 0.3 keeps f0 alone among features/errors; e0 falls, and f0 keeps its token input
        GraphPruner.Result tight = GraphPruner.prune(graph(), 3, 5, 2, new float[]{0.5f}, 0.3, 0.98);
        assertThat(tight.nodes()).containsExactly(true, false, false, false, false, true, true, true);
        assertThat(tight.edges()[F0].stream().toArray()).containsExactly(T0);
    }

    @Test
    void aFeatureWithoutKeptInputsIsDropped() {
        float[][] a = new float[5][];  // f0, e0, t0, L (+ f1 that only feeds L but has no inputs)
        // nodes: f0 f1 | e0 | t0 | L
        a[4] = new float[5];
        a[4][0] = 1;
        a[4][1] = 1;
        a[0] = new float[5];
        a[0][3] = 1;
        GraphPruner.Result r = GraphPruner.prune(a, 2, 3, 1, new float[]{1f}, 1.0, 1.0);
        assertThat(r.nodes()[0]).isTrue();
        assertThat(r.nodes()[1]).as("f1 has no incoming edge").isFalse();
        assertThat(r.edges()[4].get(1)).isFalse();
    }
}
