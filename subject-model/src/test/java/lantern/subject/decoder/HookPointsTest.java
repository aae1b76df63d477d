package lantern.subject.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hook points TransformerLens has beyond the residual stream ({@code ln1/ln2.hook_normalized}, {@code attn.hook_z},
 * {@code mlp.hook_in}) and TransformerLens 3's aliases, checked against what they must equal, on both layouts.
 */
class HookPointsTest {
    static final TinyModels.Spec S = TinyModels.SMALL;
    static final long[][] IDS = {{1, 7, 3, 22, 5, 9}};
    static final int[] LEN = {6};

    @TempDir
    Path tmp;

    DecoderModel llama() throws Exception {
        TinyModels.writeLlama(tmp.resolve("l"), S, TinyModels.llamaWeights(S, 3, true, false), "llama", false, 10000, "F32");
        return DecoderModels.load(tmp.resolve("l"));
    }

    DecoderModel gpt2() throws Exception {
        TinyModels.writeGpt2(tmp.resolve("g"), S, TinyModels.gpt2Weights(S, 4), "F32", "");
        return DecoderModels.load(tmp.resolve("g"));
    }

    @Test
    void normalizedInputsAreXOverSigmaBeforeTheGain() throws Exception {
        for (DecoderModel m : new DecoderModel[]{llama(), gpt2()}) {
            try (m; NDManager nd = NDManager.newBaseManager()) {
                var c = m.runWithCache(nd, IDS, LEN, m.hookNames()).cache();
                for (int l = 0; l < S.layers(); l++) {
                    float[] pre = c.get(HookNames.residPre(l)).toFloatArray();
                    float[] mid = c.get(HookNames.residMid(l)).toFloatArray();
                    assertClose(c.get(HookNames.ln1Normalized(l)).toFloatArray(), normalize(pre, m.config().isGpt2(), m.config().normEps()), 1e-4);
                    float[] ln2 = normalize(mid, m.config().isGpt2(), m.config().normEps());
                    assertClose(c.get(HookNames.ln2Normalized(l)).toFloatArray(), ln2, 1e-4);
                    // mlp.hook_in is the normalized input times the gain (plus the bias)
                    LayerWeights w = m.weights().layers().get(l);
                    float[] gain = w.norm2().toFloatArray();
                    float[] bias = w.norm2Bias() == null ? new float[S.d()] : w.norm2Bias().toFloatArray();
                    float[] expect = new float[ln2.length];
                    for (int i = 0; i < ln2.length; i++) expect[i] = ln2[i] * gain[i % S.d()] + bias[i % S.d()];
                    assertClose(c.get(HookNames.mlpIn(l)).toFloatArray(), expect, 1e-4);
                }
            }
        }
    }

    @Test
    void headOutputsThroughWoGiveTheAttentionOutput() throws Exception {
        for (DecoderModel m : new DecoderModel[]{llama(), gpt2()}) {
            try (m; NDManager nd = NDManager.newBaseManager()) {
                var c = m.runWithCache(nd, IDS, LEN, m.hookNames()).cache();
                for (int l = 0; l < S.layers(); l++) {
                    NDArray z = c.get(HookNames.attnZ(l));
                    assertThat(z.getShape().getShape()).containsExactly(1, 6, S.heads(), S.d() / S.heads());
                    LayerWeights w = m.weights().layers().get(l);
                    NDArray out = z.reshape(1, 6, S.d()).matMul(w.out());
                    if (w.outBias() != null) out = out.add(w.outBias());
                    assertClose(out.toFloatArray(), c.get(HookNames.attnOut(l)).toFloatArray(), 1e-4);
                }
            }
        }
    }

    @Test
    void watchingTheNewPointsChangesNothingAndReplacingThemActs() throws Exception {
        try (DecoderModel m = llama(); NDManager nd = NDManager.newBaseManager()) {
            float[] plain = m.run(nd, IDS, LEN, Hooks.none()).output().toFloatArray();
            float[] watched = m.run(nd, IDS, LEN, Hooks.none().cache(m.hookNames())).output().toFloatArray();
            assertClose(watched, plain, 1e-5);
            // zeroing one head's z changes the output; zeroing the MLP input of the last layer does too
            float[] headOff = m.run(nd, IDS, LEN, Hooks.none().replace(HookNames.attnZ(1), z -> {
                NDArray y = z.duplicate();
                y.set(new ai.djl.ndarray.index.NDIndex(":, :, 0, :"), 0f);
                return y;
            })).output().toFloatArray();
            assertThat(maxDiff(headOff, plain)).isGreaterThan(1e-3);
            float[] scaledNorm = m.run(nd, IDS, LEN, Hooks.none().replace(HookNames.ln1Normalized(0), x -> x.mul(2f)))
                    .output().toFloatArray();
            assertThat(maxDiff(scaledNorm, plain)).isGreaterThan(1e-3);
        }
    }

    @Test
    void transformerLens3AliasesNameTheSamePoints() throws Exception {
        try (DecoderModel m = gpt2(); NDManager nd = NDManager.newBaseManager()) {
            var c = m.runWithCache(nd, IDS, LEN, java.util.List.of("blocks.1.hook_in", "blocks.1.hook_out",
                    "blocks.0.attn.hook_out", "blocks.0.mlp.hook_out", HookNames.residPost(1))).cache();
            assertThat(c.has("blocks.1.hook_in")).isTrue();
            // the full cache also watches the norms (their unfused path): equal up to float rounding
            var full = m.runWithCache(nd, IDS, LEN, m.hookNames()).cache();
            assertClose(c.get("blocks.1.hook_in").toFloatArray(), full.get(HookNames.residPre(1)).toFloatArray(), 1e-5);
            assertClose(c.get("blocks.1.hook_out").toFloatArray(), full.get(HookNames.residPost(1)).toFloatArray(), 1e-5);
            assertClose(c.get("blocks.0.attn.hook_out").toFloatArray(), full.get(HookNames.attnOut(0)).toFloatArray(), 1e-5);
            assertClose(c.get("blocks.0.mlp.hook_out").toFloatArray(), full.get(HookNames.mlpOut(0)).toFloatArray(), 1e-5);
            // a replacement under an alias acts at its point, exactly as under our name
            float[] viaAlias = m.run(nd, IDS, LEN, Hooks.none().replace("blocks.0.mlp.hook_out", x -> x.mul(0f)))
                    .output().toFloatArray();
            float[] viaName = m.run(nd, IDS, LEN, Hooks.none().replace(HookNames.mlpOut(0), x -> x.mul(0f)))
                    .output().toFloatArray();
            assertClose(viaAlias, viaName, 0);
            assertThat(HookNames.canonical("blocks.3.hook_in")).isEqualTo(HookNames.residPre(3));
            assertThat(HookNames.canonical("blocks.3.hook_resid_pre")).isEqualTo(HookNames.residPre(3));
            assertThatThrownBy(() -> m.runWithCache(nd, IDS, LEN, java.util.List.of("blocks.0.hook_inn")))
                    .hasMessageContaining("unknown hook point");
        }
    }

    @Test
    void toTokensPutsTheTextAfterBos() throws Exception {
        Path dir = TinyModels.writeGpt2(tmp.resolve("bos"), S, TinyModels.gpt2Weights(S, 4), "F32", "");
        var cfg = (com.fasterxml.jackson.databind.node.ObjectNode) TinyModels.JSON.readTree(dir.resolve("config.json").toFile());
        TinyModels.JSON.writeValue(dir.resolve("config.json").toFile(), cfg.put("bos_token_id", 9));
        try (DecoderModel m = DecoderModels.load(dir)) {
            var e = m.toTokens("the cat sat");
            long[] body = m.tokenizer().encode("the cat sat", false).ids();
            assertThat(e.length()).isEqualTo(body.length + 1);
            assertThat(e.ids()[0]).isEqualTo(9L);
            assertThat(e.special()[0]).isTrue();
            assertThat(e.charStart()[0]).isEqualTo(-1);
            assertThat(java.util.Arrays.copyOfRange(e.ids(), 1, e.length())).containsExactly(body);
            assertThatThrownBy(() -> m.toTokens("")).isInstanceOf(lantern.errors.InvalidInputException.class);
            assertThatThrownBy(() -> m.toTokens("cat ".repeat(S.ctx() + 5)))
                    .isInstanceOf(lantern.errors.InvalidInputException.class).hasMessageContaining("reads at most");
            assertThat(m.frameText("cat ".repeat(S.ctx() + 5)).length()).isGreaterThan(S.ctx());
        }
    }

    /** (x − μ)/σ (LayerNorm) or x/rms (RMSNorm) per row of width d, in plain Java. */
    static float[] normalize(float[] x, boolean layerNorm, double eps) {
        int d = S.d();
        float[] out = new float[x.length];
        for (int r = 0; r < x.length / d; r++) {
            double mean = 0;
            if (layerNorm) {
                for (int i = 0; i < d; i++) mean += x[r * d + i];
                mean /= d;
            }
            double ss = 0;
            for (int i = 0; i < d; i++) ss += (x[r * d + i] - mean) * (x[r * d + i] - mean);
            double inv = 1 / Math.sqrt(ss / d + eps);
            for (int i = 0; i < d; i++) out[r * d + i] = (float) ((x[r * d + i] - mean) * inv);
        }
        return out;
    }

    static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    static void assertClose(float[] actual, float[] expected, double tol) {
        assertThat(actual).hasSameSizeAs(expected);
        assertThat(maxDiff(actual, expected)).isLessThanOrEqualTo(tol);
    }
}
