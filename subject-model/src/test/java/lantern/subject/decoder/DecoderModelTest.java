package lantern.subject.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The DJL forward pass against the plain-Java reference, for every family and layout we load. */
class DecoderModelTest {
    static final TinyModels.Spec S = TinyModels.SMALL;
    static final TinyModels.Spec S2C = new TinyModels.Spec(16, 2, 4, 2, 32, 300, 32);
    static final int[] IDS = {3, 17, 5, 42, 9, 11, 60, 2, 33};

    @TempDir
    Path tmp;

    @Test
    void geluTanhInPlaceGivesTheSameBitsAsWithGradientsAndMatchesTheFormula() {
        java.util.Random rng = new java.util.Random(7);
        float[] v = new float[4 * 5 * 96];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rng.nextGaussian() * 3);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(v).reshape(4, 5, 96);
            float[] inPlace = sameBitsWithAndWithoutGradients(() -> MlpNonlinearity.geluTanh(x));
            assertThat(x.toFloatArray()).containsExactly(v); // the input is left as it was
            for (int i = 0; i < v.length; i++) {
                double a = v[i];
                double want = 0.5 * a * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (a + 0.044715 * a * a * a)));
                assertThat((double) inPlace[i]).as("gelu_new(%s)", a).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-5 * Math.max(1, Math.abs(want))));
            }
        }
    }

    @Test
    void swigluInPlaceGivesTheSameBitsAsWithGradientsAndMatchesTheFormula() {
        java.util.Random rng = new java.util.Random(11);
        float[] g = new float[3 * 4 * 64];
        float[] u = new float[g.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) (rng.nextGaussian() * 3);
            u[i] = (float) rng.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray gate = m.create(g).reshape(3, 4, 64);
            NDArray up = m.create(u).reshape(3, 4, 64);
            float[] inPlace = sameBitsWithAndWithoutGradients(() -> MlpNonlinearity.swiglu(gate, up));
            assertThat(gate.toFloatArray()).containsExactly(g);
            assertThat(up.toFloatArray()).containsExactly(u);
            for (int i = 0; i < g.length; i++) {
                double want = g[i] / (1 + Math.exp(-g[i])) * u[i];
                assertThat((double) inPlace[i]).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-5 * Math.max(1, Math.abs(want))));
            }
        }
    }

    /**
     * Runs {@code f} outside autograd (its in-place way) and with gradients recorded (out of place), asserts both give
     * the same bits, and returns them; the thread's grad mode is put back after.
     */
    private static float[] sameBitsWithAndWithoutGradients(java.util.function.Supplier<NDArray> f) {
        boolean before = ai.djl.pytorch.jni.JniUtils.isGradMode();
        try {
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
            float[] inPlace = f.get().toFloatArray();
            ai.djl.pytorch.jni.JniUtils.setGradMode(true);
            float[] outOfPlace = f.get().toFloatArray();
            assertThat(inPlace).containsExactly(outOfPlace);
            return inPlace;
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(before);
        }
    }

    @Test
    void gpt2MatchesReference() throws Exception {
        Map<String, float[]> w = TinyModels.gpt2Weights(S, 1);
        TinyModels.writeGpt2(tmp.resolve("g"), S, w, "F32", "");
        try (DecoderModel m = DecoderModels.load(tmp.resolve("g"))) {
            assertThat(m.info().family()).isEqualTo("gpt2");
            assertThat(m.info().encoder()).isFalse();
            assertClose(allLogits(m, IDS), ReferenceDecoder.logits(ReferenceDecoder.Kind.GPT2, S, w, IDS, 0, 1e-5f));
        }
    }

    @Test
    void gpt2WithTransformerPrefixAndFp16Loads() throws Exception {
        Map<String, float[]> w = TinyModels.gpt2Weights(S, 2);
        TinyModels.writeGpt2(tmp.resolve("g16"), S, w, "F16", "transformer.");
        // the reference sees the same fp16-rounded weights the file holds
        w.replaceAll((k, v) -> round(v, "F16"));
        try (DecoderModel m = DecoderModels.load(tmp.resolve("g16"))) {
            assertClose(allLogits(m, IDS), ReferenceDecoder.logits(ReferenceDecoder.Kind.GPT2, S, w, IDS, 0, 1e-5f));
        }
    }

    @Test
    void llamaGqaUntiedMatchesReference() throws Exception {
        Map<String, float[]> w = TinyModels.llamaWeights(S, 3, false, false);
        TinyModels.writeLlama(tmp.resolve("l"), S, w, "llama", false, 10000, "F32");
        try (DecoderModel m = DecoderModels.load(tmp.resolve("l"))) {
            assertThat(m.config().kvHeads()).isEqualTo(2);
            assertClose(allLogits(m, IDS),
                    ReferenceDecoder.logits(ReferenceDecoder.Kind.HF_LLAMA, S, w, IDS, 10000, 1e-6f));
        }
    }

    @Test
    void qwen2StyleBiasTiedBf16MatchesReference() throws Exception {
        Map<String, float[]> w = TinyModels.llamaWeights(S, 4, true, true);
        w.replaceAll((k, v) -> round(v, "BF16"));
        TinyModels.writeLlama(tmp.resolve("q"), S, w, "qwen2", true, 1_000_000, "BF16");
        try (DecoderModel m = DecoderModels.load(tmp.resolve("q"))) {
            assertClose(allLogits(m, IDS),
                    ReferenceDecoder.logits(ReferenceDecoder.Kind.HF_LLAMA, S, w, IDS, 1_000_000, 1e-6f));
        }
    }

    @Test
    void gqaGroupingMatters() throws Exception {
        // Swapping the two kv heads must change the output: query heads 0,1 read kv head 0, heads 2,3 kv head 1.
        Map<String, float[]> w = TinyModels.llamaWeights(S, 5, false, false);
        TinyModels.writeLlama(tmp.resolve("a"), S, w, "llama", false, 10000, "F32");
        Map<String, float[]> swapped = new java.util.LinkedHashMap<>(w);
        for (int l = 0; l < S.layers(); l++) {
            String k = "model.layers." + l + ".self_attn.k_proj.weight";
            swapped.put(k, swapHalves(w.get(k)));
        }
        TinyModels.writeLlama(tmp.resolve("b"), S, swapped, "llama", false, 10000, "F32");
        try (DecoderModel a = DecoderModels.load(tmp.resolve("a"));
             DecoderModel b = DecoderModels.load(tmp.resolve("b"))) {
            float[][] la = allLogits(a, IDS);
            float[][] lb = allLogits(b, IDS);
            assertThat(maxDiff(la, lb)).isGreaterThan(1e-3);
            assertClose(lb, ReferenceDecoder.logits(ReferenceDecoder.Kind.HF_LLAMA, S, swapped, IDS, 10000, 1e-6f));
        }
    }

    @Test
    void tiedAndUntiedHeadsDiffer() throws Exception {
        Map<String, float[]> untied = TinyModels.llamaWeights(S, 6, false, false);
        Map<String, float[]> tied = new java.util.LinkedHashMap<>(untied);
        tied.remove("lm_head.weight");
        TinyModels.writeLlama(tmp.resolve("u"), S, untied, "llama", false, 10000, "F32");
        TinyModels.writeLlama(tmp.resolve("t"), S, tied, "llama", true, 10000, "F32");
        try (DecoderModel u = DecoderModels.load(tmp.resolve("u"));
             DecoderModel t = DecoderModels.load(tmp.resolve("t"))) {
            assertThat(u.config().tiedEmbeddings()).isFalse();
            assertThat(t.config().tiedEmbeddings()).isTrue();
            float[][] lu = allLogits(u, IDS);
            float[][] lt = allLogits(t, IDS);
            assertThat(maxDiff(lu, lt)).isGreaterThan(1e-2);
            assertClose(lt, ReferenceDecoder.logits(ReferenceDecoder.Kind.HF_LLAMA, S, tied, IDS, 10000, 1e-6f));
        }
    }

    @Test
    void llama2cSharedAndSeparateClassifierMatchRunC() throws Exception {
        List<String> pieces = List.of(" ", "a", "b");
        int[] ids = {1, 280, 17, 5, 299, 42, 3};
        for (boolean shared : new boolean[]{true, false}) {
            Map<String, float[]> w = TinyModels.llamaWeights(S2C, 7, false, shared);
            Path bin = TinyModels.writeLlama2c(tmp.resolve("c" + shared).resolve("model.bin"), S2C, w, shared);
            TinyModels.writeTokenizerBin(bin.resolveSibling("tokenizer.bin"), S2C.vocab(), pieces);
            try (DecoderModel m = DecoderModels.load(bin)) {
                assertThat(m.config().tiedEmbeddings()).isEqualTo(shared);
                assertClose(allLogits(m, ids),
                        ReferenceDecoder.logits(ReferenceDecoder.Kind.LLAMA2C, S2C, w, ids, 10000, 1e-5f));
            }
        }
    }

    @Test
    void hooksSeeEveryPointWithTheDocumentedShapes() throws Exception {
        TinyModels.writeLlama(tmp.resolve("h"), S, TinyModels.llamaWeights(S, 8, false, false), "llama", false,
                10000, "F32");
        try (DecoderModel m = DecoderModels.load(tmp.resolve("h")); NDManager nd = NDManager.newBaseManager()) {
            lantern.subject.ActivationCache hooks =
                    m.runWithCache(nd, new long[][]{{1, 2, 3, 4, 5}}, new int[]{5}, m.hookNames()).cache();
            // cached arrays belong to the caller's manager, not the pass's temporaries
            assertThat(hooks.get(HookNames.attnPattern(1)).getShape().getShape()).containsExactly(1, 4, 5, 5);
            assertThat(hooks.get(HookNames.mlpPost(0)).getShape().getShape()).containsExactly(1, 5, 32);
            assertThat(hooks.get(HookNames.residPost(1)).getShape().getShape()).containsExactly(1, 5, 16);
            assertThat(hooks.names()).containsAll(m.hookNames());
            NDArray pattern = hooks.get(HookNames.attnPattern(0));
            assertThat(pattern.get("0, 0, 0, 1").getFloat()).isZero(); // causal
            for (float rowSum : pattern.sum(new int[]{-1}).toFloatArray()) {
                assertThat(rowSum).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void ablatingAnMlpChangesLogits() throws Exception {
        TinyModels.writeGpt2(tmp.resolve("g"), S, TinyModels.gpt2Weights(S, 9), "F32", "");
        try (DecoderModel m = DecoderModels.load(tmp.resolve("g")); NDManager nd = NDManager.newBaseManager()) {
            long[] ids = {1, 2, 3};
            float[] base = m.nextTokenLogits(nd, ids, null, Hooks.none());
            float[] ablated = m.nextTokenLogits(nd, ids, null,
                    Hooks.none().replace(HookNames.mlpOut(1), x -> x.zerosLike()));
            assertThat(maxDiff(new float[][]{base}, new float[][]{ablated})).isGreaterThan(1e-3);
        }
    }

    @Test
    void badInputIsRefusedClearly() throws Exception {
        TinyModels.writeGpt2(tmp.resolve("g"), S, TinyModels.gpt2Weights(S, 10), "F32", "");
        try (DecoderModel m = DecoderModels.load(tmp.resolve("g")); NDManager nd = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> m.nextTokenLogits(nd, new long[S.ctx() + 1], null, Hooks.none()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("context length");
            assertThatThrownBy(() -> m.nextTokenLogits(nd, new long[]{S.vocab()}, null, Hooks.none()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vocabulary");
            assertThatThrownBy(() -> m.requireLayer(S.layers()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
        }
    }

    // ---------- helpers ----------

    static float[][] allLogits(DecoderModel m, int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) l[i] = ids[i];
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray logits = m.logits(m.forward(nd, new long[][]{l}, null, Hooks.none()));
            float[] flat = logits.toFloatArray();
            int v = (int) logits.getShape().get(2);
            float[][] out = new float[ids.length][v];
            for (int i = 0; i < ids.length; i++) System.arraycopy(flat, i * v, out[i], 0, v);
            return out;
        }
    }

    static void assertClose(float[][] got, float[][] want) {
        assertThat(got.length).isEqualTo(want.length);
        assertThat(maxDiff(got, want)).as("max |logit difference| vs reference").isLessThan(1e-4);
    }

    static double maxDiff(float[][] a, float[][] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) for (int j = 0; j < a[i].length; j++) m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
        return m;
    }

    static float[] round(float[] v, String dtype) {
        float[] r = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = dtype.equals("F16") ? Float.float16ToFloat(Float.floatToFloat16(v[i]))
                    : Float.intBitsToFloat(Float.floatToIntBits(v[i]) & 0xffff0000);
        }
        return r;
    }

    static float[] swapHalves(float[] a) {
        float[] b = new float[a.length];
        int h = a.length / 2;
        System.arraycopy(a, h, b, 0, h);
        System.arraycopy(a, 0, b, h, h);
        return b;
    }
}
