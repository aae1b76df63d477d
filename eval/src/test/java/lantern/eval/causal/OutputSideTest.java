package lantern.eval.causal;

import lantern.api.FeatureId;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.ReferenceDecoder;
import lantern.subject.decoder.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The output side of a decoder neuron: the probability its promoted tokens gain when it is amplified, against random
 * units of the same write norm; checked against a plain-Java forward pass ({@link ReferenceDecoder}).
 */
class OutputSideTest {
    static final TinyModels.Spec S = new TinyModels.Spec(16, 2, 4, 2, 32, 64, 64);
    static final int CAT = 2; // "cat" in the tiny word-level tokenizer
    static final List<String> TEXTS = List.of("the cat sat on the mat", "a dog ran", "hello the cat", "Once upon a time");

    @TempDir
    Path tmp;

    /** "cat"'s unembedding row made 4 times longer, so that a write along it raises "cat" above every other token. */
    static void longCat(Map<String, float[]> w) {
        float[] head = w.get("lm_head.weight");                       // [vocab, d]
        for (int i = 0; i < S.d(); i++) head[CAT * S.d() + i] *= 4;
    }

    /** Neuron {@code n} of layer 1 writes {@code scale} times the unembedding row of "cat". */
    static void writeCat(Map<String, float[]> w, int n, float scale) {
        float[] head = w.get("lm_head.weight");                       // [vocab, d]
        float[] down = w.get("model.layers.1.mlp.down_proj.weight");  // [d, dMlp]: column n is neuron n's output
        for (int i = 0; i < S.d(); i++) down[i * S.dMlp() + n] = scale * head[CAT * S.d() + i];
    }

    /**
     * Every other neuron of layer 1 made blind to "cat": its write loses the component along γ ⊙ W_U[cat], so its
     * direct effect on cat's logit is 0 (in 16 dimensions a random direction otherwise aligns with any token by chance).
     */
    static void noOtherWritesCat(Map<String, float[]> w, int keep) {
        float[] head = w.get("lm_head.weight"), gamma = w.get("model.norm.weight"), down = w.get("model.layers.1.mlp.down_proj.weight");
        double[] u = new double[S.d()];
        double uu = 0;
        for (int i = 0; i < S.d(); i++) {
            u[i] = gamma[i] * head[CAT * S.d() + i];
            uu += u[i] * u[i];
        }
        for (int n = 0; n < S.dMlp(); n++) {
            if (n == keep) continue;
            double dot = 0;
            for (int i = 0; i < S.d(); i++) dot += down[i * S.dMlp() + n] * u[i];
            for (int i = 0; i < S.d(); i++) down[i * S.dMlp() + n] -= (float) (dot / uu * u[i]);
        }
    }

    @Test
    void aNeuronWritingCatPromotesCatMeasuredAsAPlainJavaForwardPassDoesAndBeatsRandomUnits() throws Exception {
        Map<String, float[]> w = TinyModels.llamaWeights(S, 31, false, false);
        longCat(w);
        writeCat(w, 9, 1f);
        noOtherWritesCat(w, 9);
        for (int i = 0; i < S.d(); i++) w.get("model.layers.1.mlp.down_proj.weight")[i * S.dMlp() + 5] *= 1e-4f; // writes almost nothing
        TinyModels.writeLlama(tmp.resolve("m"), S, w, "llama", false, 10000, "F32");
        try (DecoderModel m = DecoderModels.load(tmp.resolve("m"))) {
            OutputSideScorer scorer = new OutputSideScorer(m, null);
            float amp = 1f;  // small enough that no probability saturates: a random unit's partial alignment then counts less
            OutputSideScorer.Result r = scorer.score(FeatureId.parse("m/1/mlp/9"), amp, TEXTS, 7L);
            assertThat(r.candidates()).hasSize(OutputSideScorer.CANDIDATES);
            assertThat(r.candidates().getFirst().token()).isEqualTo("cat");

            // the reference: candidates by direct logit effect, then mean probability over positions, amplified - clean
            float[] gamma = w.get("model.norm.weight"), head = w.get("lm_head.weight"), down = w.get("model.layers.1.mlp.down_proj.weight");
            double[] dla = new double[S.vocab()];
            for (int v = 0; v < S.vocab(); v++) for (int i = 0; i < S.d(); i++) dla[v] += down[i * S.dMlp() + 9] * gamma[i] * head[v * S.d() + i];
            Integer[] order = new Integer[S.vocab()];
            for (int v = 0; v < order.length; v++) order[v] = v;
            Arrays.sort(order, (a, b) -> Double.compare(dla[b], dla[a]));
            int[] cand = new int[OutputSideScorer.CANDIDATES];
            for (int c = 0; c < cand.length; c++) cand[c] = order[c];
            double expected = referenceGain(m, w, cand, new ReferenceDecoder.PostAdd(1, 9, amp));
            assertThat(r.gain()).isCloseTo(expected, within(1e-4));
            double expectedCat = referenceGain(m, w, new int[]{CAT}, new ReferenceDecoder.PostAdd(1, 9, amp));
            assertThat(r.candidates().getFirst().gain()).isCloseTo(expectedCat, within(1e-4));
            assertThat(r.candidates().getFirst().logit()).isCloseTo(dla[CAT], within(1e-3));

            assertThat(r.gain()).isGreaterThan(OutputSideScorer.MIN_GAIN);
            assertThat(r.randomUnits()).isEqualTo(OutputSideScorer.RANDOM_UNITS);
            assertThat(r.rank()).isEqualTo(1.0);
            assertThat(r.named()).first().isEqualTo("cat");
            assertThat(r.clear()).isTrue();
            assertThat(r.score()).as("gain %s, best random unit %s", r.gain(), r.randomMax()).isGreaterThan(0.3)
                    .isCloseTo((r.gain() - r.randomMax()) / (Math.abs(r.gain()) + Math.abs(r.randomMax())), within(1e-12));
            assertThat(OutputSideScorer.clause(r.named())).startsWith("promotes 'cat'");

            // a neuron that writes almost nothing: its promoted tokens gain nothing, and the label names none
            OutputSideScorer.Result weak = scorer.score(FeatureId.parse("m/1/mlp/5"), amp, TEXTS, 7L);
            assertThat(Math.abs(weak.gain())).isLessThan(OutputSideScorer.MIN_GAIN);
            assertThat(weak.clear()).isFalse();
            assertThat(weak.reason()).contains("less than");
            // a feature that never fired is not scored
            assertThat(scorer.score(FeatureId.parse("m/1/mlp/9"), 0, TEXTS, 7L).reason()).contains("never fires");
        }
    }

    @Test
    void whenEveryUnitWritesCatARandomUnitPromotesItAsMuchAndTheLabelNamesNothing() throws Exception {
        Map<String, float[]> w = TinyModels.llamaWeights(S, 32, false, false);
        longCat(w);
        for (int n = 0; n < S.dMlp(); n++) writeCat(w, n, 1f);
        TinyModels.writeLlama(tmp.resolve("m"), S, w, "llama", false, 10000, "F32");
        try (DecoderModel m = DecoderModels.load(tmp.resolve("m"))) {
            OutputSideScorer.Result r = new OutputSideScorer(m, null).score(FeatureId.parse("m/1/mlp/9"), 4f, TEXTS, 7L);
            assertThat(r.gain()).isGreaterThan(OutputSideScorer.MIN_GAIN);   // it does raise 'cat' ...
            assertThat(r.rank()).isLessThan(1.0);                             // ... but so do random units
            assertThat(r.score()).isCloseTo(0, within(0.05));
            assertThat(r.clear()).isFalse();
            assertThat(r.reason()).contains("random unit");
        }
    }

    /** Mean over every position of every text of the summed probability of {@code cand}, amplified minus clean. */
    static double referenceGain(DecoderModel m, Map<String, float[]> w, int[] cand, ReferenceDecoder.PostAdd plus) {
        double gain = 0;
        int positions = 0;
        for (String t : TEXTS) {
            long[] ids = m.frameText(t).ids();
            int[] ii = new int[ids.length];
            for (int i = 0; i < ids.length; i++) ii[i] = (int) ids[i];
            float[][] clean = ReferenceDecoder.logits(ReferenceDecoder.Kind.HF_LLAMA, S, w, ii, 10000, 1e-6f);
            float[][] amp = ReferenceDecoder.logits(ReferenceDecoder.Kind.HF_LLAMA, S, w, ii, 10000, 1e-6f, plus);
            for (int p = 0; p < ii.length; p++) {
                gain += prob(amp[p], cand) - prob(clean[p], cand);
                positions++;
            }
        }
        return gain / positions;
    }

    static double prob(float[] logits, int[] cand) {
        double max = Double.NEGATIVE_INFINITY, z = 0, s = 0;
        for (float l : logits) max = Math.max(max, l);
        for (float l : logits) z += Math.exp(l - max);
        for (int c : cand) s += Math.exp(logits[c] - max) / z;
        return s;
    }
}
