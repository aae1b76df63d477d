package lantern.subject.knowledge;

import lantern.api.knowledge.KnowledgeRequest;
import lantern.api.knowledge.KnowledgeResult;

import lantern.errors.InvalidInputException;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.Generator;
import lantern.subject.decoder.ReferenceDecoder;
import lantern.subject.decoder.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Integrated gradients against an independent reference: {@link ReferenceDecoder} with one layer's neurons replaced
 * gives P(target | α·a) in plain Java; central finite differences give each gradient; the paper's Riemann sum
 * (α = k/m, k = 1..m) gives each attribution. Completeness is checked against the exact change P(a) − P(0) with the
 * Riemann error bound V(g)/m, V the total variation of g(α) = dP(α·a)/dα.
 */
class KnowledgeNeuronsTest {
    static final TinyModels.Spec S = TinyModels.SMALL;
    static final String PROMPT = "the cat sat on the mat";

    @TempDir
    Path tmp;

    @Test
    void attributionsMatchTheReferenceAndAreComplete() throws Exception {
        Map<String, float[]> gw = TinyModels.gpt2Weights(S, 51);
        Map<String, float[]> lw = TinyModels.llamaWeights(S, 52, false, false);
        TinyModels.writeGpt2(tmp.resolve("g"), S, gw, "F32", "");
        TinyModels.writeLlama(tmp.resolve("l"), S, lw, "llama", false, 10000, "F32");
        try (DecoderModel g = DecoderModels.load(tmp.resolve("g"));
             DecoderModel l = DecoderModels.load(tmp.resolve("l"))) {
            check(g, gw, ReferenceDecoder.Kind.GPT2, 1e-5f);
            check(l, lw, ReferenceDecoder.Kind.HF_LLAMA, 1e-6f);
        }
    }

    private void check(DecoderModel model, Map<String, float[]> w, ReferenceDecoder.Kind kind, float eps) {
        long[] ids = Generator.promptIds(model, PROMPT);
        int[] iids = new int[ids.length];
        for (int i = 0; i < ids.length; i++) iids[i] = (int) ids[i];
        int last = ids.length - 1;
        // the model's own top prediction, so that P(target) and its changes are far from zero
        float[] top = ReferenceDecoder.logits(kind, S, w, iids, 10000, eps)[last];
        int best = 0;
        for (int i = 1; i < top.length; i++) if (top[i] > top[best]) best = i;
        int target = best;
        assertThat(KnowledgeNeurons.targetId(model, model.tokenizer().token(target))).isEqualTo(target);
        float[][][] post = ReferenceDecoder.mlpPost(kind, S, w, iids, 10000, eps);
        float[][] ours = IntegratedGradients.lastActivations(model, ids);
        for (int layer = 0; layer < S.layers(); layer++) {
            float[] a = post[layer][last];
            for (int i = 0; i < a.length; i++) assertThat(ours[layer][i]).isCloseTo(a[i], within(1e-4f));
            int layerF = layer;
            java.util.function.DoubleUnaryOperator pAt = alpha -> prob(kind, w, iids, eps, layerF, scaled(a, alpha, -1, 0), target);
            int m = 20;
            float[] attr = IntegratedGradients.layer(model, ids, target, m, layer, ours[layer]);
            // per neuron: a_i / m · Σ_k ∂P/∂a_i at k/m · a, by central differences
            double h = 2e-3;
            for (int i = 0; i < a.length; i++) {
                double ref = 0;
                for (int k = 1; k <= m; k++) {
                    double alpha = k / (double) m;
                    double up = prob(kind, w, iids, eps, layer, scaled(a, alpha, i, h), target);
                    double down = prob(kind, w, iids, eps, layer, scaled(a, alpha, i, -h), target);
                    ref += (up - down) / (2 * h);
                }
                ref *= a[i] / m;
                assertThat((double) attr[i]).as(model.info().family() + " layer " + layer + " neuron " + i)
                        .isCloseTo(ref, within(2e-5 + 0.02 * Math.abs(ref)));
            }
            // completeness: Σ attributions ≈ P(a) − P(0), within the Riemann error V(g)/m
            double delta = pAt.applyAsDouble(1) - pAt.applyAsDouble(0);
            double variation = 0;
            double prev = Double.NaN;
            int grid = 200;
            for (int j = 0; j <= grid; j++) {
                double al = j / (double) grid;
                double gAt = (pAt.applyAsDouble(al + 1e-3) - pAt.applyAsDouble(al - 1e-3)) / 2e-3;
                if (!Double.isNaN(prev)) variation += Math.abs(gAt - prev);
                prev = gAt;
            }
            for (int steps : new int[]{20, 100}) {
                float[] at = steps == m ? attr : IntegratedGradients.layer(model, ids, target, steps, layer, ours[layer]);
                double total = 0;
                for (float v : at) total += v;
                assertThat(Math.abs(total - delta)).as(model.info().family() + " layer " + layer + " steps " + steps
                        + ": sum " + total + " vs ΔP " + delta).isLessThanOrEqualTo(variation / steps + 2e-6);
            }
            assertThat(Math.abs(delta)).as("the layer matters at all").isGreaterThan(1e-3);
        }
    }

    private static float[] scaled(float[] a, double alpha, int bump, double h) {
        float[] x = new float[a.length];
        for (int i = 0; i < a.length; i++) x[i] = (float) (alpha * a[i] + (i == bump ? h : 0));
        return x;
    }

    private static double prob(ReferenceDecoder.Kind kind, Map<String, float[]> w, int[] ids, float eps, int layer,
                               float[] values, int target) {
        int last = ids.length - 1;
        float[] logits = ReferenceDecoder.logits(kind, S, w, ids, 10000, eps,
                new ReferenceDecoder.PostOverride(layer, last, values))[last];
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double z = 0;
        for (float v : logits) z += Math.exp(v - max);
        return Math.exp(logits[target] - max) / z;
    }

    @Test
    void aPlantedNeuronThatWritesTheTargetRanksFirst() throws Exception {
        Map<String, float[]> w = TinyModels.gpt2Weights(S, 61);
        int layer = 0;
        int neuron = 5;
        int target = 26; // "Paris" in the tiny word-level vocabulary
        int d = S.d();
        int f = S.dMlp();
        String p = "h." + layer + ".";
        // the neuron fires on every token (input weights 0, bias 3: gelu(3) ≈ 3) and writes the target's embedding,
        // which the tied LM head reads back as the target's logit
        for (int i = 0; i < d; i++) w.get(p + "mlp.c_fc.weight")[i * f + neuron] = 0;
        w.get(p + "mlp.c_fc.bias")[neuron] = 3;
        for (int i = 0; i < d; i++) w.get(p + "mlp.c_proj.weight")[neuron * d + i] = 1.5f * w.get("wte.weight")[target * d + i];
        TinyModels.writeGpt2(tmp.resolve("planted"), S, w, "F32", "");
        try (DecoderModel model = DecoderModels.load(tmp.resolve("planted"))) {
            assertThat(KnowledgeNeurons.targetId(model, "Paris")).isEqualTo(target);
            KnowledgeResult r = KnowledgeNeurons.find(model, new KnowledgeRequest(
                    List.of(PROMPT, "a dog ran on the mat", "the cat is on a mat"), "Paris", 20, 0.3, 0.5, 1), null);
            assertThat(r.neurons()).isNotEmpty();
            KnowledgeResult.Neuron first = r.neurons().get(0);
            assertThat(first.layer()).isEqualTo(layer);
            assertThat(first.index()).isEqualTo(neuron);
            assertThat(first.featureId()).isEqualTo(model.info().id() + "/0/mlp/5");
            assertThat(first.sharedBy()).isEqualTo(3);
            assertThat(r.knowledge().suppressed()).isLessThan(r.knowledge().before());
            assertThat(r.knowledge().amplified()).isGreaterThan(r.knowledge().before());
            assertThat(r.random().neurons()).isEqualTo(r.neurons().size());
            assertThat(r.randomNeurons()).extracting(KnowledgeResult.Neuron::layer)
                    .containsExactlyElementsOf(r.neurons().stream().map(KnowledgeResult.Neuron::layer).toList());
            assertThat(r.randomNeurons()).noneMatch(n -> r.neurons().stream()
                    .anyMatch(k -> k.layer() == n.layer() && k.index() == n.index()));
            assertThat(Math.abs(r.knowledge().suppressed() - r.knowledge().before()))
                    .isGreaterThan(Math.abs(r.random().suppressed() - r.random().before()));
        }
    }

    @Test
    void badInputIsRefused() throws Exception {
        TinyModels.writeLlama(tmp.resolve("l"), S, TinyModels.llamaWeights(S, 3, false, false), "llama", false,
                10000, "F32");
        try (DecoderModel model = DecoderModels.load(tmp.resolve("l"))) {
            assertThatThrownBy(() -> KnowledgeNeurons.find(model, KnowledgeRequest.of(List.of(PROMPT), "the cat"), null))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("2 tokens");
        }
        assertThatThrownBy(() -> KnowledgeRequest.of(List.of(), "Paris")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> KnowledgeRequest.of(List.of(" "), "Paris")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new KnowledgeRequest(List.of(PROMPT), "Paris", 20, 0.3, 1, 0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("share");
        assertThatThrownBy(() -> new KnowledgeRequest(List.of(PROMPT), "Paris", 0, 0.3, 0.5, 0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("steps");
    }
}
