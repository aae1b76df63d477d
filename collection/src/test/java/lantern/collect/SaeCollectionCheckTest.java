package lantern.collect;

import lantern.api.Manifest;
import lantern.subject.sae.SaeConfig;
import lantern.subject.sae.SaeFingerprint;
import lantern.subject.sae.SaeLensFormat;
import lantern.subject.sae.SaeStore;
import lantern.subject.sae.SaeWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SAE fingerprint in collection manifests: old manifests still load, and a retrained SAE makes a collection stale. */
class SaeCollectionCheckTest {
    static final SaeConfig CFG = SaeConfig.topK("minilm-l6", "blocks.3.hook_resid_post", 8, 24, 4);

    /** A manifest as written before fingerprints were recorded (a real one, from an SAE collection). */
    static final String OLD = """
            {"formatVersion":1,"model":"minilm-l6","corpus":"brown","name":"sae-resid_post-k4-l3",
             "created":"2026-11-28T20:10:24.815469906Z","tokens":4969,"sequences":108,"maxSequenceLength":64,
             "layers":[3],"width":24,"topK":20,"halfWindow":16,"windowWidth":33,"seed":0,"randomWindows":20,
             "quantileLevels":[0.5,0.9,0.99,0.999],"quantileBins":5,"perBin":2,"seconds":7.5,
             "tokensPerSecond":659.8,"kind":"sae-resid_post-k4"}""";

    static SaeWeights weights(long seed) {
        Random r = new Random(seed);
        float[] wEnc = new float[8 * 24], wDec = new float[24 * 8];
        for (int i = 0; i < wEnc.length; i++) wEnc[i] = (float) r.nextGaussian();
        for (int i = 0; i < wDec.length; i++) wDec[i] = (float) r.nextGaussian();
        return new SaeWeights(wEnc, new float[24], wDec, new float[8], null);
    }

    static Manifest withFingerprint(Manifest m, String fp) {
        return new Manifest(m.formatVersion(), m.model(), m.corpus(), m.name(), m.created(), m.tokens(), m.sequences(),
                m.maxSequenceLength(), m.layers(), m.width(), m.topK(), m.halfWindow(), m.windowWidth(), m.seed(),
                m.randomWindows(), m.quantileLevels(), m.quantileBins(), m.perBin(), m.seconds(), m.tokensPerSecond(),
                m.kind(), fp);
    }

    @Test
    void oldManifestsLoadWithoutAFingerprintAndNeuronManifestsKeepTheirShape(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("manifest.json");
        Files.writeString(file, OLD);
        Manifest old = ActivationStore.readManifest(file);
        assertThat(old.saeFingerprint()).isNull();
        assertThat(old.kind()).isEqualTo("sae-resid_post-k4");

        String written = ActivationStore.JSON.writeValueAsString(old);
        assertThat(written).doesNotContain("saeFingerprint"); // null is left out: the file keeps its old shape
        String fp = "sha256:" + "ab".repeat(32);
        Files.writeString(file, ActivationStore.JSON.writeValueAsString(withFingerprint(old, fp)));
        assertThat(Files.readString(file)).contains("\"saeFingerprint\" : \"" + fp + "\"");
        assertThat(ActivationStore.readManifest(file)).isEqualTo(withFingerprint(old, fp));
    }

    @Test
    void aCollectionIsStaleOnceItsSaeIsRetrained(@TempDir Path data) throws Exception {
        Path saeDir = SaeStore.folder(data, "minilm-l6", 3, CFG.kind());
        SaeLensFormat.save(CFG, weights(1), saeDir);
        String trained = SaeFingerprint.ofFolder(saeDir);
        Path file = data.resolve("manifest.json");
        Files.writeString(file, OLD);
        Manifest old = ActivationStore.readManifest(file);
        Manifest current = withFingerprint(old, trained);

        SaeCollectionCheck.requireCurrent(data, current, 3);
        assertThat(SaeCollectionCheck.isCurrent(data, current, 3)).isTrue();

        SaeLensFormat.save(CFG, weights(2), saeDir); // retrained in place
        assertThat(SaeCollectionCheck.isCurrent(data, current, 3)).isFalse();
        assertThatThrownBy(() -> SaeCollectionCheck.requireCurrent(data, current, 3))
                .isInstanceOf(StaleCollectionException.class)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(trained.substring(0, 19))
                .hasMessageContaining("./lantern collect --sae sae-resid_post-k4 --layers 3");
        // a collection made with the new weights is current again
        assertThat(SaeCollectionCheck.isCurrent(data, withFingerprint(old, SaeFingerprint.ofFolder(saeDir)), 3)).isTrue();

        // what cannot be checked passes: no fingerprint recorded, a neuron collection, the SAE folder gone
        assertThat(SaeCollectionCheck.isCurrent(data, old, 3)).isTrue();
        assertThat(SaeCollectionCheck.isCurrent(data.resolve("elsewhere"), current, 3)).isTrue();
        Manifest neurons = new Manifest(1, "minilm-l6", "brown", "brown", "t", 1, 1, 64, List.of(3), 1536, 20, 16, 33,
                0, 20, List.of(0.5), 5, 2, 1, 1, "mlp", null);
        assertThat(SaeCollectionCheck.isCurrent(data, neurons, 3)).isTrue();
    }
}
