package lantern.subject.sae;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.NoSuchElementException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SAE fingerprints, and a store that notices an SAE rewritten on disk by someone else. */
class SaeStoreTest {
    static NDManager manager;
    static final SaeConfig CFG = SaeConfig.topK("m", "blocks.1.hook_resid_post", 16, 40, 4);

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void theFingerprintFollowsTheWeightsAndTheConfigNotTheFile(@TempDir Path data) throws Exception {
        SaeWeights w = SaeLensFormatTest.randomWeights(16, 40, 0.05f, 1);
        String fp = SaeFingerprint.of(CFG, w);
        assertThat(fp).matches("sha256:[0-9a-f]{64}");
        assertThat(SaeFingerprint.of(CFG, SaeLensFormatTest.randomWeights(16, 40, 0.05f, 1))).isEqualTo(fp);

        SaeWeights nudged = SaeLensFormatTest.randomWeights(16, 40, 0.05f, 1);
        nudged.wEnc()[123] = Math.nextUp(nudged.wEnc()[123]);
        assertThat(SaeFingerprint.of(CFG, nudged)).isNotEqualTo(fp);
        assertThat(SaeFingerprint.of(SaeConfig.topK("m", "blocks.1.hook_resid_post", 16, 40, 5), w)).isNotEqualTo(fp);

        // in memory, after a save and a load, and read straight from the folder: one fingerprint
        try (SaeStore store = new SaeStore(data, manager); Sae sae = Sae.of(CFG, w, manager)) {
            assertThat(sae.fingerprint()).isEqualTo(fp);
            Path dir = store.save(sae, null);
            assertThat(dir).isEqualTo(SaeStore.folder(data, "m", 1, CFG.kind()));
            assertThat(SaeFingerprint.ofFolder(dir)).isEqualTo(fp);
            assertThat(store.get("m", 1, CFG.kind()).fingerprint()).isEqualTo(fp);
        }
        assertThatThrownBy(() -> SaeFingerprint.ofFolder(data.resolve("nothing"))).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void anSaeRewrittenOnDiskIsLoadedAgainOnItsNextUse(@TempDir Path data) throws Exception {
        String kind = CFG.kind();
        try (SaeStore serving = new SaeStore(data, manager)) {
            SaeLensFormat.save(CFG, SaeLensFormatTest.randomWeights(16, 40, 0.05f, 1), SaeStore.folder(data, "m", 1, kind));
            Sae first = serving.get("m", 1, kind);
            assertThat(serving.get("m", 1, kind)).isSameAs(first); // unchanged files: the loaded one is kept

            // another process retrains it: a second store writes new weights into the same folder
            SaeWeights retrained = SaeLensFormatTest.randomWeights(16, 40, 0.05f, 2);
            try (SaeStore trainer = new SaeStore(data, manager); Sae sae = Sae.of(CFG, retrained, manager)) {
                trainer.save(sae, null);
            }
            Sae second = serving.get("m", 1, kind);
            assertThat(second).isNotSameAs(first);
            assertThat(second.fingerprint()).isEqualTo(SaeFingerprint.of(CFG, retrained))
                    .isEqualTo(SaeFingerprint.ofFolder(SaeStore.folder(data, "m", 1, kind)))
                    .isNotEqualTo(first.fingerprint());
            // the replaced one stays usable for whoever still holds it, until the store closes
            assertThat(first.weights().wEnc()).hasSize(16 * 40);
        }
    }
}
