package lantern.subject.transcoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.TinyModels;
import lantern.subject.sae.SaeArchitecture;
import lantern.subject.sae.SaeFeatureSource;
import lantern.subject.sae.SaeWeights;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Transcoder features as features (kind {@code tc-NAME}): the activation source reads {@code mlp.hook_in} and encodes
 * it, the ablation takes exactly {@code a_i W_dec[i]} off the MLP's output (against a plain-Java reference of the
 * activation), the vocabulary direction is the decoder row at {@code hook_mlp_out}, and a retrained folder has another
 * fingerprint and is loaded again.
 */
class TranscoderFeaturesTest {
    static final TinyModels.Spec S = new TinyModels.Spec(16, 2, 4, 2, 32, 64, 32);
    static final int F = 24, K = 4, LAYER = 1;
    @TempDir
    static Path tmp;
    static DecoderModel model;

    @BeforeAll
    static void load() throws Exception {
        Path p = TinyModels.writeLlama(tmp.resolve("m"), S, TinyModels.llamaWeights(S, 41, false, false), "llama", false,
                10000.0, "F32");
        model = DecoderModels.load("tiny", p, null);
    }

    @AfterAll
    static void close() {
        if (model != null) model.close();
    }

    static SaeWeights weights(long seed) {
        Random r = new Random(seed);
        int d = S.d();
        return new SaeWeights(g(r, d * F, 0.6), g(r, F, 0.1), g(r, F * d, 0.5), g(r, d, 0.1), null);
    }

    static float[] g(Random r, int n, double s) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * s);
        return a;
    }

    static void save(Path data, long seed) throws Exception {
        try (NDManager m = NDManager.newBaseManager("PyTorch");
             Transcoder t = Transcoder.of("tiny", LAYER, S.d(), F, SaeArchitecture.TOPK, K, weights(seed), m)) {
            TranscoderFormat.save(t, TranscoderSet.layerDir(data, "tiny", "x", LAYER));
        }
    }

    /** Plain Java: TopK (k of the pre-activations, then ReLU) of x W_enc + b_enc, feature {@code i} only. */
    static double activation(float[] x, int offset, SaeWeights w, int i) {
        int d = S.d();
        double[] pre = new double[F];
        for (int j = 0; j < F; j++) {
            pre[j] = w.bEnc()[j];
            for (int c = 0; c < d; c++) pre[j] += (double) x[offset + c] * w.wEnc()[c * F + j];
        }
        double[] sorted = pre.clone();
        java.util.Arrays.sort(sorted);
        return pre[i] >= sorted[F - K] ? Math.max(0, pre[i]) : 0;
    }

    @Test
    void kindNamesTheSetAndItsFolder() {
        assertThat(TranscoderFeatures.kind("tc")).isEqualTo("tc-tc");
        assertThat(TranscoderFeatures.set("tc-clt.v2")).isEqualTo("clt.v2");
        assertThat(TranscoderFeatures.isKind("tc-")).isFalse();
        assertThat(TranscoderFeatures.isKind("sae-resid_post-k32")).isFalse();
        assertThat(FeatureDictionaries.isDictionaryKind("tc-a")).isTrue();
        assertThat(FeatureDictionaries.isDictionaryKind("sae-resid_post-k32")).isTrue();
        assertThat(FeatureDictionaries.isDictionaryKind("mlp")).isFalse();
        assertThat(TranscoderFeatures.folder(Path.of("/d"), "m", 3, "tc-x")).isEqualTo(Path.of("/d/transcoders/m/x/3"));
        assertThatThrownBy(() -> TranscoderFeatures.folder(Path.of("/d"), "m", 3, "tc-../x"))
                .hasMessageContaining("bad transcoder set name part");
    }

    @Test
    void sourceReadsMlpInAndAblationTakesTheDecoderRowOffTheMlpOutput(@TempDir Path data) throws Exception {
        save(data, 7);
        SaeWeights w = weights(7);
        try (TranscoderStore store = new TranscoderStore(data); NDManager m = model.manager().newSubManager()) {
            FeatureDictionaries dicts = new FeatureDictionaries(() -> {
                throw new AssertionError("a transcoder kind must not open the SAE store");
            }, () -> store);
            SaeFeatureSource src = dicts.source("tiny", LAYER, "tc-x");
            assertThat(src.kind()).isEqualTo("tc-x");
            assertThat(src.hook()).isEqualTo(HookNames.mlpIn(LAYER));
            assertThat(src.width()).isEqualTo(F);
            assertThat(dicts.width("tiny", LAYER, "tc-x")).isEqualTo(F);

            long[][] ids = {{1, 5, 9, 12, 3, 40, 7, 2}, {1, 33, 21, 8, 60, 4, 4, 11}};
            int b = ids.length, t = ids[0].length, d = S.d();
            int[] lengths = {t, t};
            var clean = model.run(m, ids, lengths, Hooks.none().cache(src.hook()));
            float[] x = clean.cache().get(src.hook()).toFloatArray();
            float[] cleanOut = clean.output().toFloatArray();
            float[] enc = src.features(clean.cache().get(src.hook())).toFloatArray();
            // the feature active most often, so the ablation changes something
            int feature = 0, best = -1;
            for (int i = 0; i < F; i++) {
                int on = 0;
                for (int p = 0; p < b * t; p++) if (enc[p * F + i] > 0) on++;
                if (on > best) {
                    best = on;
                    feature = i;
                }
            }
            assertThat(best).isGreaterThan(0);
            float[] delta = new float[b * t * d];
            for (int p = 0; p < b * t; p++) {
                double a = activation(x, p * d, w, feature);
                assertThat((double) enc[p * F + feature]).isCloseTo(a, within(1e-4));
                for (int c = 0; c < d; c++) delta[p * d + c] = (float) (a * w.wDec()[feature * d + c]);
            }
            // reference: the same run with the plain-Java a_i W_dec[i] taken off hook_mlp_out
            NDArray deltaNd = m.create(delta, new Shape(b, t, d));
            float[] want = model.run(m, ids, lengths, Hooks.none().replace(HookNames.mlpOut(LAYER), out -> out.sub(deltaNd)))
                    .output().toFloatArray();
            float[] got = model.run(m, ids, lengths, dicts.ablation("tiny", LAYER, "tc-x", feature)).output().toFloatArray();
            double moved = 0;
            for (int i = 0; i < got.length; i++) {
                assertThat((double) got[i]).as("output %d", i).isCloseTo(want[i], within(1e-4));
                moved = Math.max(moved, Math.abs(got[i] - cleanOut[i]));
            }
            assertThat(moved).isGreaterThan(1e-3);

            var dir = dicts.writes("tiny", LAYER, "tc-x", feature);
            assertThat(dir.hook()).isEqualTo(HookNames.mlpOut(LAYER));
            float[] row = new float[d];
            System.arraycopy(w.wDec(), feature * d, row, 0, d);
            assertThat(dir.vector()).containsExactly(row);
            assertThatThrownBy(() -> dicts.writes("tiny", LAYER, "tc-x", F)).hasMessageContaining("out of range");
            assertThatThrownBy(() -> dicts.source("tiny", 0, "tc-x")).hasMessageContaining("lantern train transcoder");
        }
    }

    @Test
    void aRetrainedFolderHasAnotherFingerprintAndIsLoadedAgain(@TempDir Path data) throws Exception {
        save(data, 1);
        Path dir = TranscoderFeatures.folder(data, "tiny", LAYER, "tc-x");
        try (TranscoderStore store = new TranscoderStore(data)) {
            Transcoder first = store.get("tiny", LAYER, "tc-x");
            String fp = FeatureDictionaries.fingerprintOfFolder(dir, "tc-x");
            assertThat(fp).startsWith("sha256:").isEqualTo(first.fingerprint());
            assertThat(store.get("tiny", LAYER, "tc-x")).isSameAs(first);
            Thread.sleep(20);
            save(data, 2);
            Transcoder second = store.get("tiny", LAYER, "tc-x");
            assertThat(second).isNotSameAs(first);
            assertThat(FeatureDictionaries.fingerprintOfFolder(dir, "tc-x")).isNotEqualTo(fp).isEqualTo(second.fingerprint());
            assertThat(second.weights().wEnc()).containsExactly(weights(2).wEnc());
        }
        assertThatThrownBy(() -> FeatureDictionaries.fingerprintOfFolder(data.resolve("nowhere"), "tc-x"))
                .isInstanceOf(java.util.NoSuchElementException.class);
    }
}
