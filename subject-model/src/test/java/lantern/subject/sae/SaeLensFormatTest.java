package lantern.subject.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import lantern.subject.safetensors.SafetensorsWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SaeLensFormatTest {
    static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static float[] gaussian(Random r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian() * scale;
        return a;
    }

    static SaeWeights randomWeights(int dIn, int dSae, float encBias, long seed) {
        Random r = new Random(seed);
        float[] bEnc = new float[dSae];
        java.util.Arrays.fill(bEnc, encBias);
        return new SaeWeights(gaussian(r, dIn * dSae, 0.1f), bEnc, gaussian(r, dSae * dIn, 0.1f), gaussian(r, dIn, 0.01f), null);
    }

    @Test
    void roundTripIsBitIdentical(@TempDir Path tmp) throws IOException {
        SaeConfig cfg = SaeConfig.topK("minilm-l6", "blocks.3.hook_resid_post", 24, 96, 8);
        SaeWeights w = randomWeights(24, 96, 0.05f, 1);
        // a NaN payload and a negative zero must survive too
        w.bDec()[0] = Float.intBitsToFloat(0x7fc00123);
        w.bDec()[1] = -0.0f;
        SaeLensFormat.save(cfg, w, tmp.resolve("a"));
        try (Sae loaded = SaeLensFormat.load(tmp.resolve("a"), manager)) {
            assertThat(loaded.config()).isEqualTo(cfg);
            SaeWeights back = loaded.weights();
            assertBits(back.wEnc(), w.wEnc());
            assertBits(back.bEnc(), w.bEnc());
            assertBits(back.wDec(), w.wDec());
            assertBits(back.bDec(), w.bDec());
            SaeLensFormat.save(loaded, tmp.resolve("b"));
        }
        for (String f : new String[]{SaeLensFormat.CFG, SaeLensFormat.WEIGHTS}) {
            assertThat(Files.readAllBytes(tmp.resolve("b").resolve(f))).as(f)
                    .isEqualTo(Files.readAllBytes(tmp.resolve("a").resolve(f)));
        }
        assertThat(Files.list(tmp.resolve("a")).map(p -> p.getFileName().toString()))
                .as("no temp files left behind").containsExactlyInAnyOrder(SaeLensFormat.CFG, SaeLensFormat.WEIGHTS);
    }

    static void assertBits(float[] got, float[] want) {
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.length; i++) {
            assertThat(Float.floatToRawIntBits(got[i])).as("index " + i).isEqualTo(Float.floatToRawIntBits(want[i]));
        }
    }

    /** Writes an SAELens folder by hand with the given cfg.json text (as another tool would). */
    static Path writeForeign(Path dir, String cfgJson, SaeWeights w, int dIn, int dSae) throws IOException {
        new SafetensorsWriter().add("W_enc", w.wEnc(), dIn, dSae).add("b_enc", w.bEnc(), dSae)
                .add("W_dec", w.wDec(), dSae, dIn).add("b_dec", w.bDec(), dIn).write(dir.resolve(SaeLensFormat.WEIGHTS));
        Files.writeString(dir.resolve(SaeLensFormat.CFG), cfgJson);
        return dir;
    }

    int[] nonZerosPerRow(Sae sae, int rows) {
        NDArray x = manager.create(gaussian(new Random(7), rows * sae.config().dIn(), 1f), new Shape(rows, sae.config().dIn()));
        float[] f = sae.encode(x).toFloatArray();
        int[] counts = new int[rows];
        for (int i = 0; i < f.length; i++) if (f[i] != 0f) counts[i / sae.config().dSae()]++;
        return counts;
    }

    @Test
    void topKNeverLoadsAsRelu(@TempDir Path tmp) throws IOException {
        int dIn = 16, dSae = 64, k = 5;
        // a large positive encoder bias makes every pre-activation positive: ReLU would keep all 64
        SaeWeights w = randomWeights(dIn, dSae, 3f, 2);
        String oldStyle = """
                {"architecture": "standard", "d_in": 16, "d_sae": 64, "hook_name": "blocks.2.hook_resid_post",
                 "model_name": "minilm-l6", "activation_fn_str": "topk", "activation_fn_kwargs": {"k": 5},
                 "apply_b_dec_to_input": true, "normalize_activations": "none"}""";
        String newStyle = """
                {"architecture": "topk", "d_in": 16, "d_sae": 64, "k": 5, "apply_b_dec_to_input": false,
                 "normalize_activations": "none",
                 "metadata": {"hook_name": "blocks.2.hook_resid_post", "model_name": "minilm-l6"}}""";
        String relu = """
                {"architecture": "standard", "d_in": 16, "d_sae": 64, "hook_name": "blocks.2.hook_resid_post",
                 "activation_fn_str": "relu"}""";
        for (String cfg : new String[]{oldStyle, newStyle}) {
            Path dir = Files.createDirectories(tmp.resolve(Integer.toString(cfg.hashCode())));
            try (Sae sae = SaeLensFormat.load(writeForeign(dir, cfg, w, dIn, dSae), manager)) {
                assertThat(sae.config().architecture()).isEqualTo(SaeArchitecture.TOPK);
                assertThat(sae.config().k()).isEqualTo(k);
                assertThat(sae.config().hookName()).isEqualTo("blocks.2.hook_resid_post");
                assertThat(nonZerosPerRow(sae, 10)).containsOnly(k);
            }
        }
        Path dir = Files.createDirectories(tmp.resolve("relu"));
        try (Sae sae = SaeLensFormat.load(writeForeign(dir, relu, w, dIn, dSae), manager)) {
            assertThat(sae.config().architecture()).isEqualTo(SaeArchitecture.STANDARD);
            assertThat(java.util.Arrays.stream(nonZerosPerRow(sae, 10)).min().getAsInt()).isGreaterThan(k);
        }
    }

    @Test
    void topKWithoutKIsAnError(@TempDir Path tmp) throws IOException {
        SaeWeights w = randomWeights(4, 8, 0f, 3);
        writeForeign(tmp, """
                {"architecture": "topk", "d_in": 4, "d_sae": 8, "hook_name": "blocks.0.hook_resid_post"}""", w, 4, 8);
        assertThatThrownBy(() -> SaeLensFormat.load(tmp, manager)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("k");
    }

    @Test
    void shapeMismatchIsAnError(@TempDir Path tmp) throws IOException {
        SaeWeights w = randomWeights(4, 8, 0f, 4);
        writeForeign(tmp, """
                {"architecture": "standard", "d_in": 8, "d_sae": 4, "hook_name": "blocks.0.hook_resid_post"}""", w, 4, 8);
        assertThatThrownBy(() -> SaeLensFormat.load(tmp, manager)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("W_enc");
    }

    @Test
    void jumpReluHonoursItsThreshold(@TempDir Path tmp) throws IOException {
        SaeConfig cfg = new SaeConfig("m", "blocks.0.hook_resid_post", 4, 3, SaeArchitecture.JUMPRELU, 0, false, "none");
        float[] wEnc = new float[12];
        for (int i = 0; i < 3; i++) wEnc[i * 3 + i] = 1f; // feature i reads input dim i
        SaeWeights w = new SaeWeights(wEnc, new float[3], new float[12], new float[4], new float[]{0.5f, 2f, 0f});
        SaeLensFormat.save(cfg, w, tmp);
        try (Sae sae = SaeLensFormat.load(tmp, manager)) {
            float[] f = sae.encode(manager.create(new float[]{1f, 1f, -1f, 9f}, new Shape(1, 4))).toFloatArray();
            assertThat(f).containsExactly(1f, 0f, 0f);
        }
    }

    @Test
    void kindNamesTheSiteAndActivation() {
        assertThat(SaeConfig.topK("minilm-l6", "blocks.3.hook_resid_post", 384, 3072, 32).kind()).isEqualTo("sae-resid_post-k32");
        assertThat(SaeConfig.relu("minilm-l6", "blocks.3.mlp.hook_post", 1536, 4096).kind()).isEqualTo("sae-mlp_post-relu");
        assertThat(SaeConfig.topK("minilm-l6", "blocks.3.hook_resid_post", 384, 3072, 32).layer()).isEqualTo(3);
    }
}
