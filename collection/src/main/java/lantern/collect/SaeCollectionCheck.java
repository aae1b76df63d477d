package lantern.collect;

import lantern.api.Manifest;
import lantern.subject.transcoder.FeatureDictionaries;

import java.nio.file.Path;
import java.util.NoSuchElementException;

/**
 * Whether a stored collection still matches the SAE (or transcoder, for {@code tc-NAME} kinds) on disk: its manifest's fingerprint against the fingerprint of
 * the SAE folder now. Neuron collections, SAE collections written before fingerprints were recorded and collections
 * whose SAE folder is gone cannot be checked and pass (there is no newer SAE whose features they would misdescribe).
 */
public final class SaeCollectionCheck {
    private SaeCollectionCheck() {
    }

    /** @throws StaleCollectionException when the SAE was changed since the collection was made */
    public static void requireCurrent(Path dataDir, Manifest m, int layer) {
        if (m.saeFingerprint() == null || m.kind().equals("mlp")) return;
        Path dir = FeatureDictionaries.folder(dataDir, m.model(), layer, m.kind());
        String now;
        try {
            now = FeatureDictionaries.fingerprintOfFolder(dir, m.kind());
        } catch (NoSuchElementException gone) {
            return;
        }
        if (now.equals(m.saeFingerprint())) return;
        String what = lantern.subject.transcoder.TranscoderFeatures.isKind(m.kind()) ? "transcoder" : "SAE";
        throw new StaleCollectionException("collection " + m.model() + "/" + m.name() + " was made with " + what + " weights "
                + shortly(m.saeFingerprint()) + ", but the " + what + " in " + dir + " is now " + shortly(now)
                + " (retrained?): its windows describe the old features. Collect it again: ./lantern collect --sae "
                + m.kind() + " --layers " + layer + " (audits do this by themselves)");
    }

    public static boolean isCurrent(Path dataDir, Manifest m, int layer) {
        try {
            requireCurrent(dataDir, m, layer);
            return true;
        } catch (StaleCollectionException e) {
            return false;
        }
    }

    private static String shortly(String fingerprint) {
        return fingerprint.length() > 19 ? fingerprint.substring(0, 19) + "…" : fingerprint;
    }
}
