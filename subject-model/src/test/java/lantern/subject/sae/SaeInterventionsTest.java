package lantern.subject.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SaeInterventionsTest {
    static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static Sae randomTopK(int dIn, int dSae, int k, String norm) {
        SaeConfig cfg = new SaeConfig("minilm-l6", "blocks.1.hook_resid_post", dIn, dSae, SaeArchitecture.TOPK, k, true, norm);
        return Sae.of(cfg, SaeLensFormatTest.randomWeights(dIn, dSae, 0.1f, 11), manager);
    }

    @Test
    void clampIsDecodeOfEditedFeaturesPlusErrorTerm() {
        for (String norm : new String[]{"none", "constant_norm_rescale"}) {
            int dIn = 12, dSae = 40, k = 6, feature = 7;
            float value = 3.5f;
            try (Sae sae = randomTopK(dIn, dSae, k, norm); NDManager m = manager.newSubManager()) {
                NDArray x = m.create(SaeLensFormatTest.gaussian(new Random(5), 2 * 3 * dIn, 2f), new Shape(2, 3, dIn));
                NDArray got = SaeInterventions.clamp(sae, feature, value).apply(x);
                // the definition, step by step, in the SAE's normalized space
                NDArray scale = norm.equals("none") ? m.ones(new Shape(2, 3, 1)) : sae.normScale(x);
                NDArray xs = x.mul(scale);
                float[] f = sae.encode(x).toFloatArray();
                float[] edited = f.clone();
                for (int t = 0; t < 6; t++) edited[t * dSae + feature] = value;
                NDArray fEdited = m.create(edited, new Shape(2, 3, dSae));
                NDArray fOrig = m.create(f, new Shape(2, 3, dSae));
                NDArray want = sae.decode(fEdited).add(xs.sub(sae.decode(fOrig))).div(scale);
                assertThat(got.sub(want).abs().max().getFloat()).as(norm).isLessThan(1e-4f);
                assertThat(got.sub(x).abs().max().getFloat()).as("clamp moved the activation").isGreaterThan(1e-3f);
            }
        }
    }

    @Test
    void clampRejectsAnUnknownFeature() {
        try (Sae sae = randomTopK(4, 8, 2, "none")) {
            assertThatThrownBy(() -> SaeInterventions.clamp(sae, 8, 1f)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("out of range");
        }
    }

    @Test
    void featureSourceGivesFeaturesPerTokenAndStoreFindsItById(@TempDir Path data) throws Exception {
        try (Sae sae = randomTopK(12, 40, 6, "none"); NDManager m = manager.newSubManager();
             SaeStore store = new SaeStore(data, manager)) {
            SaeFeatureSource src = new SaeFeatureSource(sae);
            assertThat(src.kind()).isEqualTo("sae-resid_post-k6");
            assertThat(src.layer()).isEqualTo(1);
            NDArray acts = src.features(m.create(SaeLensFormatTest.gaussian(new Random(3), 2 * 5 * 12, 1f), new Shape(2, 5, 12)));
            assertThat(acts.getShape().getShape()).containsExactly(2, 5, 40);
            Path dir = store.save(sae, Map.of("note", "test"));
            assertThat(dir).isEqualTo(data.resolve("saes/minilm-l6/1/sae-resid_post-k6"));
            assertThat(store.list()).extracting(SaeStore.Entry::kind).containsExactly("sae-resid_post-k6");
            Sae loaded = store.get("minilm-l6", 1, "sae-resid_post-k6");
            assertThat(loaded.config()).isEqualTo(sae.config());
            assertThat(store.get("minilm-l6", 1, "sae-resid_post-k6")).isSameAs(loaded);
            assertThatThrownBy(() -> store.get("minilm-l6", 2, "sae-resid_post-k6")).isInstanceOf(java.util.NoSuchElementException.class);
            assertThatThrownBy(() -> store.get("..", 2, "x")).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
