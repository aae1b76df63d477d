package lantern.subject.circuits;

import ai.djl.ndarray.NDManager;
import lantern.subject.circuits.LocalReplacement.ActiveFeature;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.sae.SaeArchitecture;
import lantern.subject.transcoder.Transcoder;
import lantern.subject.transcoder.TranscoderSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exactness properties of attribution graphs, against {@link FrozenReference} (an independent double-precision
 * forward pass of the frozen replacement model), on GPT-2 (LayerNorm, biases, BOS) and Llama (RMSNorm, GQA, RoPE)
 * layouts.
 */
class AttributionTest {
    static final double TOL = 1e-4;
    @TempDir
    Path tmp;

    @Test
    void gpt2GraphIsExact() throws Exception {
        try (DecoderModel model = CircuitFixtures.gpt2(tmp); NDManager m = model.manager().newSubManager()) {
            TranscoderSet set = CircuitFixtures.transcoders(model, List.of(0, 1, 2), 40, SaeArchitecture.TOPK, 5, 7, m);
            checkExact(model, set, new long[]{0, 7, 3, 12, 9, 21, 5, 30}, m, 1);
        }
    }

    @Test
    void llamaGraphIsExactWithALayerLeftToItsErrorNode() throws Exception {
        try (DecoderModel model = CircuitFixtures.llama(tmp); NDManager m = model.manager().newSubManager()) {
            // layer 1 has no transcoder: its MLP output is one error node per position
            TranscoderSet set = CircuitFixtures.transcoders(model, List.of(0, 2), 48, SaeArchitecture.STANDARD, 0, 8, m);
            checkExact(model, set, new long[]{4, 7, 3, 12, 9, 21, 5}, m, 0);
        }
    }

    private void checkExact(DecoderModel model, TranscoderSet set, long[] ids, NDManager m, int firstNodePos) {
        LocalReplacement r = LocalReplacement.build(model, set, ids, m);
        assertThat(r.firstNodePos()).isEqualTo(firstNodePos);
        AttributionGraph g = new Attribution(r, m).run("test", 0, null);
        FrozenReference ref = new FrozenReference(model, r);
        int t = ids.length, d = model.config().dModel(), layers = model.config().layers();
        assertThat(g.nFeatures()).isEqualTo(r.activeFeatures().size()).isGreaterThan(10);
        assertThat(g.features()).allMatch(f -> f.pos() >= firstNodePos);

        // 1. at the nodes' real values the replacement model reproduces the real logits and pre-activations
        double[][] tok = tokenVectors(model, ids);
        double[][][] mlp = mlpFromNodes(g, r, set, null, 1.0);
        FrozenReference.Result real = ref.run(tok, mlp);
        float[] logits = r.lastLogits();
        for (int v = 0; v < logits.length; v++) assertThat(real.logits()[v]).isCloseTo((double) logits[v], within(TOL));
        for (int row = 0; row < g.nFeatures(); row++) {
            ActiveFeature f = g.features().get(row);
            double pre = ref.preActivation(real, set.layer(f.layer()), f.layer(), f.pos(), f.index());
            assertThat((double) g.values()[row]).as("pre-activation of %s", f).isCloseTo(pre, within(TOL));
            assertThat(Math.max(pre, 0)).as("activation of %s", f).isCloseTo((double) f.activation(), within(TOL));
        }
        for (int i = 0; i < g.logitIds().length; i++) {
            assertThat((double) g.values()[g.logitStart() + i]).isCloseTo(real.demeaned((int) g.logitIds()[i]), within(TOL));
        }

        // 2. incoming edges plus the constant terms (the frozen model with every node at zero) give each value
        double[][] zeroTok = new double[t][d];
        FrozenReference.Result zero = ref.run(zeroTok, mlpFromNodes(g, r, set, null, 0.0));
        for (int row = 0; row < g.nFeatures(); row++) {
            ActiveFeature f = g.features().get(row);
            double constant = ref.preActivation(zero, set.layer(f.layer()), f.layer(), f.pos(), f.index());
            assertThat(g.incoming(row) + constant).as("row %d", row).isCloseTo((double) g.values()[row], within(TOL));
        }
        for (int i = 0; i < g.logitIds().length; i++) {
            int row = g.logitStart() + i;
            double constant = zero.demeaned((int) g.logitIds()[i]);
            assertThat(g.incoming(row) + constant).isCloseTo((double) g.values()[row], within(TOL));
        }

        // 3. an edge is the finite difference of the frozen model when its source is doubled
        Random rnd = new Random(1);
        int checked = 0;
        int[] targets = {g.logitStart(), g.nFeatures() - 1, rnd.nextInt(g.nFeatures())};
        for (int target : targets) {
            for (int trial = 0; trial < 12; trial++) {
                int src = trial < 4 ? rnd.nextInt(g.nFeatures())
                        : trial < 8 ? g.errorIndex(rnd.nextInt(layers), firstNodePos + rnd.nextInt(t - firstNodePos))
                        : g.tokenStart() + rnd.nextInt(t);
                double[][] tok2 = tokenVectors(model, ids);
                if (src >= g.tokenStart()) {
                    int p = src - g.tokenStart();
                    for (int i = 0; i < d; i++) tok2[p][i] *= 2;
                }
                FrozenReference.Result moved = ref.run(tok2, mlpFromNodes(g, r, set, src, 1.0));
                double before = valueOf(ref, real, g, set, target);
                double after = valueOf(ref, moved, g, set, target);
                assertThat(after - before).as("edge %d -> %d", src, target)
                        .isCloseTo((double) g.adjacency()[target][src], within(TOL));
                if (Math.abs(g.adjacency()[target][src]) > 1e-3) checked++;
            }
        }
        assertThat(checked).as("non-zero edges checked").isGreaterThan(8);
    }

    private static org.assertj.core.data.Offset<Double> within(double tol) {
        return org.assertj.core.data.Offset.offset(tol);
    }

    private static double valueOf(FrozenReference ref, FrozenReference.Result res, AttributionGraph g, TranscoderSet set,
                                  int row) {
        if (row >= g.logitStart()) return res.demeaned((int) g.logitIds()[row - g.logitStart()]);
        ActiveFeature f = g.features().get(row);
        return ref.preActivation(res, set.layer(f.layer()), f.layer(), f.pos(), f.index());
    }

    static double[][] tokenVectors(DecoderModel model, long[] ids) {
        float[] e = model.weights().embed().toFloatArray();
        int d = model.config().dModel();
        double[][] out = new double[ids.length][d];
        for (int p = 0; p < ids.length; p++) for (int i = 0; i < d; i++) out[p][i] = e[(int) ids[p] * d + i];
        return out;
    }

    /**
     * Each MLP's output from the graph's nodes: Σ activation × decoder row + b_dec + error at node positions (the
     * real output before them). {@code scale} multiplies every node (0: the constant terms alone); the node
     * {@code doubled} counts twice.
     */
    static double[][][] mlpFromNodes(AttributionGraph g, LocalReplacement r, TranscoderSet set, Integer doubled,
                                     double scale) {
        int layers = g.layers(), t = g.nPos();
        int d = r.d;
        double[][][] out = new double[layers][t][d];
        for (int l = 0; l < layers; l++) {
            float[] real = r.mlpOut[l].toFloatArray();
            Transcoder tc = set.layer(l);
            for (int p = 0; p < t; p++) {
                if (p < g.firstNodePos()) {
                    for (int i = 0; i < d; i++) out[l][p][i] = real[p * d + i];
                    continue;
                }
                float[] err = r.error(l, p);
                int errNode = g.errorIndex(l, p);
                double es = scale * (doubled != null && doubled == errNode ? 2 : 1);
                for (int i = 0; i < d; i++) out[l][p][i] = es * err[i] + (tc == null ? 0 : tc.decoderBias()[i]);
            }
        }
        for (int row = 0; row < g.nFeatures(); row++) {
            ActiveFeature f = g.features().get(row);
            float[] w = set.layer(f.layer()).decoderRow(f.index());
            double s = scale * f.activation() * (doubled != null && doubled == row ? 2 : 1);
            for (int i = 0; i < d; i++) out[f.layer()][f.pos()][i] += s * w[i];
        }
        return out;
    }
}
