package lantern.subject.heads;

import lantern.api.heads.HeadRolesResult;

import ai.djl.ndarray.NDManager;
import lantern.errors.InvalidInputException;
import lantern.subject.HookNames;
import lantern.subject.HookedModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.ReferenceDecoder;
import lantern.subject.decoder.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Head roles on tiny checkpoints: a GPT-2 whose head L0H0 is built by hand to attend to the previous token, the
 * scores against TransformerLens' detection-pattern formulation computed in plain Java from the model's own
 * patterns, uniform attention against its closed form, and the ablation losses against the plain-Java reference
 * decoder run on weights with the head's output projection zeroed.
 */
class HeadRolesTest {
    static final TinyModels.Spec S = TinyModels.SMALL; // d 16, 2 layers, 4 heads (2 kv heads for Llama), ctx 32
    static final TinyModels.Spec S2C = new TinyModels.Spec(16, 2, 4, 2, 32, 300, 32);
    static final int HD = S.d() / S.heads();

    @TempDir
    Path tmp;

    // ---------------------------------------------------------------------------------------------------------------
    // a hand-built previous-token head

    /**
     * Positions are written into dims 0..3 as (c, s, -c, -s) with c, s = cos, sin(p θ) (so LayerNorm sees a constant
     * norm and zero mean); head 0 of layer 0 reads q = G·rot(-θ)(c, s) and k = (c, s), so q_i·k_j ∝ cos((i-1-j) θ):
     * largest at j = i - 1. θ = π / ctx keeps every offset inside one half turn.
     */
    static Map<String, float[]> previousTokenGpt2(long seed) {
        Map<String, float[]> w = TinyModels.gpt2Weights(S, seed);
        int d = S.d();
        double theta = Math.PI / S.ctx();
        float[] wpe = new float[S.ctx() * d];
        for (int p = 0; p < S.ctx(); p++) {
            float c = (float) Math.cos(p * theta), s = (float) Math.sin(p * theta);
            wpe[p * d] = c;
            wpe[p * d + 1] = s;
            wpe[p * d + 2] = -c;
            wpe[p * d + 3] = -s;
        }
        w.put("wpe.weight", wpe);
        float[] wte = w.get("wte.weight");
        java.util.Random r = new java.util.Random(seed);
        for (int t = 0; t < S.vocab(); t++) { // tokens in dims 4.., zero mean and one norm: LN's mean and σ stay fixed
            double[] v = new double[d];
            double mean = 0, norm = 0;
            for (int i = 4; i < d; i++) mean += (v[i] = r.nextGaussian()) / (d - 4);
            for (int i = 4; i < d; i++) norm += (v[i] -= mean) * v[i];
            for (int i = 0; i < d; i++) wte[t * d + i] = i < 4 ? 0f : (float) (0.5 * v[i] / Math.sqrt(norm));
        }
        java.util.Arrays.fill(w.get("h.0.ln_1.weight"), 1f);
        java.util.Arrays.fill(w.get("h.0.ln_1.bias"), 0f);
        float[] qkv = w.get("h.0.attn.c_attn.weight"); // Conv1D [in d, out 3d]
        float[] bias = w.get("h.0.attn.c_attn.bias");
        for (int col : new int[]{0, 1, 2, 3, d, d + 1, d + 2, d + 3}) {
            for (int in = 0; in < d; in++) qkv[in * 3 * d + col] = 0f;
            bias[col] = 0f;
        }
        float g = 1000f;
        qkv[0 * 3 * d + 0] = (float) (g * Math.cos(theta));
        qkv[1 * 3 * d + 0] = (float) (g * Math.sin(theta));
        qkv[0 * 3 * d + 1] = (float) (-g * Math.sin(theta));
        qkv[1 * 3 * d + 1] = (float) (g * Math.cos(theta));
        qkv[0 * 3 * d + d] = 1f;
        qkv[1 * 3 * d + d + 1] = 1f;
        return w;
    }

    @Test
    void theHandBuiltPreviousTokenHeadScoresNearOneAndNoOtherHeadDoes() throws Exception {
        TinyModels.writeGpt2(tmp.resolve("prev"), S, previousTokenGpt2(11), "F32", "");
        try (DecoderModel m = DecoderModels.load(tmp.resolve("prev"))) {
            HeadRolesResult r = HeadRoles.run(m, new lantern.api.heads.HeadRolesRequest(3L, 12, 4, null, "none"));
            assertThat(r.heads()).hasSize(S.layers() * S.heads());
            assertThat(r.probe().prefix()).isZero(); // the tiny tokenizer adds no BOS and the config names none
            HeadRolesResult.Head built = r.heads().get(0);
            assertThat(built.name()).isEqualTo("L0H0");
            assertThat(built.previousToken()).isGreaterThan(0.99);
            assertThat(built.duplicateToken()).isLessThan(0.01);
            assertThat(built.induction()).isLessThan(0.01);
            assertThat(r.top(HeadRolesResult.Head::previousToken, 2).get(1).previousToken()).isLessThan(0.9);
            assertThat(r.heads()).allSatisfy(h -> assertThat(h.ablatedLoss()).isNull());
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the score definitions against an independent formulation

    @Test
    void scoresMatchTransformerLensDetectionPatternsOnTheModelsOwnAttention() throws Exception {
        TinyModels.writeGpt2(tmp.resolve("prev"), S, previousTokenGpt2(11), "F32", "");
        TinyModels.writeLlama(tmp.resolve("llama"), S, TinyModels.llamaWeights(S, 4, true, false), "qwen2", false, 10000, "F32");
        long[] tokens = {5, 9, 2, 40, 17, 33, 8, 61, 22, 13, 50}; // distinct: "same token" is one position
        for (String dir : List.of("prev", "llama")) {
            try (DecoderModel m = DecoderModels.load(tmp.resolve(dir))) {
                HeadRolesResult r = HeadRoles.run(m, new lantern.api.heads.HeadRolesRequest(null, null, null, boxed(tokens), "none"));
                long[] row = new long[2 * tokens.length];
                System.arraycopy(tokens, 0, row, 0, tokens.length);
                System.arraycopy(tokens, 0, row, tokens.length, tokens.length);
                float[][][][] patterns = patterns(m, row); // [layer][head][query][key]
                for (HeadRolesResult.Head h : r.heads()) {
                    double[] ref = tlScores(patterns[h.layer()][h.head()], row, tokens.length);
                    assertThat(h.previousToken()).as(dir + " " + h.name()).isCloseTo(ref[0], within(1e-5));
                    assertThat(h.duplicateToken()).as(dir + " " + h.name()).isCloseTo(ref[1], within(1e-5));
                    assertThat(h.induction()).as(dir + " " + h.name()).isCloseTo(ref[2], within(1e-5));
                }
            }
        }
    }

    /**
     * TransformerLens' head detector: detection matrices (previous token: ones below the diagonal; duplicate token:
     * earlier positions holding the same token; induction: the duplicate matrix shifted one key to the right), summed
     * against the pattern row by row, here over the second copy's rows only.
     */
    static double[] tlScores(float[][] pattern, long[] row, int n) {
        int t = row.length;
        double[][] prev = new double[t][t], dup = new double[t][t], ind = new double[t][t];
        for (int i = 0; i < t; i++) {
            if (i > 0) prev[i][i - 1] = 1;
            for (int j = 0; j < i; j++) if (row[i] == row[j]) dup[i][j] = 1;
        }
        for (int i = 0; i < t; i++) for (int j = 1; j <= i; j++) ind[i][j] = dup[i][j - 1];
        double[] out = new double[3];
        double[][][] dets = {prev, dup, ind};
        for (int s = 0; s < 3; s++) {
            for (int i = n; i < 2 * n; i++) for (int j = 0; j < t; j++) out[s] += pattern[i][j] * dets[s][i][j];
            out[s] /= n;
        }
        return out;
    }

    @Test
    void uniformAttentionGivesTheClosedForm() throws Exception {
        Map<String, float[]> w = TinyModels.llamaWeights(S, 6, false, false);
        java.util.Arrays.fill(w.get("model.layers.0.self_attn.q_proj.weight"), 0f); // q = 0: every key weighs the same
        TinyModels.writeLlama(tmp.resolve("u"), S, w, "llama", false, 10000, "F32");
        try (DecoderModel m = DecoderModels.load(tmp.resolve("u"))) {
            int n = 9;
            HeadRolesResult r = HeadRoles.run(m, new lantern.api.heads.HeadRolesRequest(2L, n, 3, null, "none"));
            double expected = 0;
            for (int k = 0; k < n; k++) expected += 1.0 / (n + k + 1); // query at n + k sees n + k + 1 keys
            expected /= n;
            for (HeadRolesResult.Head h : r.heads().subList(0, S.heads())) {
                assertThat(h.previousToken()).isCloseTo(expected, within(1e-6));
                assertThat(h.duplicateToken()).isCloseTo(expected, within(1e-6));
                assertThat(h.induction()).isCloseTo(expected, within(1e-6));
            }
            assertThat(r.heads().get(S.heads()).previousToken()).isNotCloseTo(expected, within(1e-4)); // layer 1 is not
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // ablation

    @Test
    void zeroAblationEqualsTheReferenceWithTheHeadsOutputProjectionZeroed() throws Exception {
        Map<String, float[]> g = previousTokenGpt2(11);
        TinyModels.writeGpt2(tmp.resolve("g"), S, g, "F32", "");
        Map<String, float[]> l = TinyModels.llamaWeights(S, 9, false, false);
        TinyModels.writeLlama(tmp.resolve("l"), S, l, "llama", false, 10000, "F32");
        Map<String, float[]> c = TinyModels.llamaWeights(S2C, 7, false, true);
        Path bin = TinyModels.writeLlama2c(tmp.resolve("c").resolve("model.bin"), S2C, c, true);
        TinyModels.writeTokenizerBin(bin.resolveSibling("tokenizer.bin"), S2C.vocab(), List.of(" ", "a", "b"));
        for (Case k : List.of(new Case(tmp.resolve("g"), ReferenceDecoder.Kind.GPT2, S, g, 1e-5f, 0),
                new Case(tmp.resolve("l"), ReferenceDecoder.Kind.HF_LLAMA, S, l, 1e-6f, 0),
                new Case(bin, ReferenceDecoder.Kind.LLAMA2C, S2C, c, 1e-5f, 1))) {
            try (DecoderModel m = DecoderModels.load(k.path())) {
                int n = 10;
                HeadRolesResult r = HeadRoles.run(m, new lantern.api.heads.HeadRolesRequest(5L, n, 2, null, "zero"));
                assertThat(r.probe().prefix()).as(k.kind().name()).isEqualTo(k.prefix());
                long[][] rows = RepeatedTokens.random(m, n, 2, 5L).rows();
                double clean = referenceLoss(k, k.w(), rows, k.prefix() + n, n - 1);
                assertThat(r.repeatedHalfLoss()).as(k.kind() + " clean, repeated half").isCloseTo(clean, within(1e-4));
                assertThat(r.firstHalfLoss()).as(k.kind() + " clean, first half")
                        .isCloseTo(referenceLoss(k, k.w(), rows, k.prefix(), n - 1), within(1e-4));
                for (HeadRolesResult.Head h : r.heads()) {
                    double ablated = referenceLoss(k, withoutHead(k.kind(), k.spec(), k.w(), h.layer(), h.head()), rows,
                            k.prefix() + n, n - 1);
                    assertThat(h.ablatedLoss()).as(k.kind() + " " + h.name()).isCloseTo(ablated, within(1e-4));
                    assertThat(h.lossChange()).isCloseTo(ablated - clean, within(2e-4));
                }
                assertThat(r.heads()).anySatisfy(h -> assertThat(Math.abs(h.lossChange())).isGreaterThan(1e-3));
            }
        }
    }

    @Test
    void meanAblationOfAHeadThatWritesNothingChangesNothingAndGroupingDoesNotMatter() throws Exception {
        Map<String, float[]> w = TinyModels.llamaWeights(S, 9, false, false);
        Map<String, float[]> silent = withoutHead(ReferenceDecoder.Kind.HF_LLAMA, S, w, 1, 2);
        TinyModels.writeLlama(tmp.resolve("s"), S, silent, "llama", false, 10000, "F32");
        try (DecoderModel m = DecoderModels.load(tmp.resolve("s"))) {
            var request = new lantern.api.heads.HeadRolesRequest(1L, 8, 3, null, "mean");
            List<int[]> progress = new ArrayList<>();
            HeadRolesResult grouped = HeadRoles.run(m, request, (done, total) -> progress.add(new int[]{done, total}));
            HeadRolesResult single = HeadRoles.run(m, request, (done, total) -> { }, 1); // one head per pass
            assertThat(progress).hasSize(1 + S.layers()); // the clean pass, then one pass per layer (4 heads fit)
            assertThat(progress.get(progress.size() - 1)).containsExactly(3, 3);
            assertThat(grouped.heads().get(S.heads() + 2).lossChange()).isCloseTo(0.0, within(1e-6));
            for (int i = 0; i < grouped.heads().size(); i++) {
                assertThat(grouped.heads().get(i).ablatedLoss()).isCloseTo(single.heads().get(i).ablatedLoss(), within(1e-5));
            }
            HeadRolesResult zero = HeadRoles.run(m, new lantern.api.heads.HeadRolesRequest(1L, 8, 3, null, "zero"));
            assertThat(grouped.heads().get(0).ablatedLoss()).isNotCloseTo(zero.heads().get(0).ablatedLoss(), within(1e-5));
            assertThat(grouped.ablation()).isEqualTo("mean");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // input checks

    @Test
    void badInputIsAClearBadRequest() throws Exception {
        TinyModels.writeGpt2(tmp.resolve("g"), S, TinyModels.gpt2Weights(S, 1), "F32", "");
        try (DecoderModel m = DecoderModels.load(tmp.resolve("g"))) {
            assertThatThrownBy(() -> HeadRoles.run(m, new lantern.api.heads.HeadRolesRequest(null, null, null, List.of(3L, 64L, 5L), null)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("token id 64 (at index 1)")
                    .hasMessageContaining("0..63");
            assertThatThrownBy(() -> HeadRoles.run(m, new lantern.api.heads.HeadRolesRequest(null, 17, 2, null, null)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("2..16 tokens per copy");
            assertThatThrownBy(() -> HeadRoles.run(m, new lantern.api.heads.HeadRolesRequest(null, null, null, List.of(3L), null)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("2..16");
            assertThatThrownBy(() -> HeadRoles.run(m, new lantern.api.heads.HeadRolesRequest(null, 8, 0, null, null)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("batch must be 1..64");
            assertThatThrownBy(() -> HeadRoles.run(m, new lantern.api.heads.HeadRolesRequest(null, 8, 2, null, "half")))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("zero, mean or none");
            assertThatThrownBy(() -> HeadRoles.run(m, new lantern.api.heads.HeadRolesRequest(null, null, null, List.of(3L, 4L), "mean")))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("at least 2");
            // the default length fits the context: 16 tokens per copy here
            assertThat(HeadRoles.run(m, new lantern.api.heads.HeadRolesRequest(null, null, 1, null, "none")).probe().length()).isEqualTo(16);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    static List<Long> boxed(long[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }

    static float[][][][] patterns(HookedModel m, long[] row) {
        int layers = m.info().layers(), heads = m.info().heads(), t = row.length;
        float[][][][] out = new float[layers][heads][t][t];
        try (NDManager nd = m.manager().newSubManager()) {
            List<String> names = new ArrayList<>();
            for (int l = 0; l < layers; l++) names.add(HookNames.attnPattern(l));
            var cache = m.runWithCache(nd, new long[][]{row}, new int[]{t}, names).cache();
            for (int l = 0; l < layers; l++) {
                float[] p = cache.get(HookNames.attnPattern(l)).toFloatArray();
                for (int h = 0; h < heads; h++) {
                    for (int i = 0; i < t; i++) System.arraycopy(p, (h * t + i) * t, out[l][h][i], 0, t);
                }
            }
        }
        return out;
    }

    /** A copy of the weights where head {@code head} of layer {@code layer} writes nothing (its W_O slice is zero). */
    static Map<String, float[]> withoutHead(ReferenceDecoder.Kind kind, TinyModels.Spec s, Map<String, float[]> w,
                                            int layer, int head) {
        Map<String, float[]> out = new LinkedHashMap<>();
        w.forEach((name, a) -> out.put(name, a.clone()));
        int d = s.d(), hd = s.d() / s.heads();
        if (kind == ReferenceDecoder.Kind.GPT2) {
            float[] o = out.get("h." + layer + ".attn.c_proj.weight"); // Conv1D [in d, out d]
            for (int in = head * hd; in < (head + 1) * hd; in++) for (int j = 0; j < d; j++) o[in * d + j] = 0f;
        } else {
            float[] o = out.get("model.layers." + layer + ".self_attn.o_proj.weight"); // Linear [out d, in q]
            int q = s.heads() * hd;
            for (int j = 0; j < d; j++) for (int in = head * hd; in < (head + 1) * hd; in++) o[j * q + in] = 0f;
        }
        return out;
    }

    /** A checkpoint with its weights, the reference's settings and its frame's prefix length. */
    record Case(Path path, ReferenceDecoder.Kind kind, TinyModels.Spec spec, Map<String, float[]> w, float eps, int prefix) {
    }

    /** Mean −log p(row[i + 1] | row[..i]) over i in from .. from + count - 1 and over the rows, by the reference. */
    static double referenceLoss(Case k, Map<String, float[]> w, long[][] rows, int from, int count) {
        double sum = 0;
        for (long[] row : rows) {
            int[] ids = java.util.Arrays.stream(row).mapToInt(x -> (int) x).toArray();
            float[][] logits = ReferenceDecoder.logits(k.kind(), k.spec(), w, ids, 10000, k.eps());
            for (int i = from; i < from + count; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (float v : logits[i]) max = Math.max(max, v);
                double z = 0;
                for (float v : logits[i]) z += Math.exp(v - max);
                sum -= logits[i][ids[i + 1]] - max - Math.log(z);
            }
        }
        return sum / (rows.length * count);
    }
}
