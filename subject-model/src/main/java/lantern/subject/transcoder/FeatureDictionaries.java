package lantern.subject.transcoder;

import lantern.subject.Hooks;
import lantern.subject.sae.Sae;
import lantern.subject.sae.SaeFeatureSource;
import lantern.subject.sae.SaeFingerprint;
import lantern.subject.sae.SaeInterventions;
import lantern.subject.sae.SaeStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Features that a dictionary defines over a model's activations, whatever the dictionary: SAE features
 * ({@code sae-...} kinds, {@link SaeStore}) and transcoder features ({@code tc-NAME} kinds, {@link TranscoderStore}).
 * One place answers, per kind: what to cache and how to encode it (collection, search by inference), how many
 * features a layer has, which direction a feature writes where (vocabulary projection), and how to ablate it in the
 * real model (causal checks). The stores are asked for lazily, so a transcoder feature never loads an SAE's manager.
 */
public final class FeatureDictionaries {
    private final Supplier<SaeStore> saes;
    private final Supplier<TranscoderStore> transcoders;

    public FeatureDictionaries(Supplier<SaeStore> saes, Supplier<TranscoderStore> transcoders) {
        this.saes = saes;
        this.transcoders = transcoders;
    }

    public FeatureDictionaries(SaeStore saes, TranscoderStore transcoders) {
        this(() -> saes, () -> transcoders);
    }

    /** {@code sae-...} or {@code tc-NAME}. */
    public static boolean isDictionaryKind(String kind) {
        return kind != null && (kind.startsWith("sae-") || TranscoderFeatures.isKind(kind));
    }

    /** The features of a kind at one layer as an activation source (cache its hook, encode). */
    public SaeFeatureSource source(String model, int layer, String kind) {
        if (TranscoderFeatures.isKind(kind)) return transcoders().get(model, layer, kind).featureSource(kind);
        return new SaeFeatureSource(saes().get(model, layer, requireSae(kind)));
    }

    /** Features per layer of a kind. */
    public int width(String model, int layer, String kind) {
        if (TranscoderFeatures.isKind(kind)) return transcoders().get(model, layer, kind).features();
        return saes().get(model, layer, requireSae(kind)).config().dSae();
    }

    /** What a feature writes and where: an SAE's decoder row at its own hook, a transcoder's at {@code hook_mlp_out}. */
    public record Direction(String hook, float[] vector) {
    }

    public Direction writes(String model, int layer, String kind, int index) {
        if (TranscoderFeatures.isKind(kind)) {
            Transcoder t = transcoders().get(model, layer, kind);
            requireIndex(index, t.features(), kind);
            return new Direction(t.hookOut(), t.decoderRow(index));
        }
        Sae sae = saes().get(model, layer, requireSae(kind));
        requireIndex(index, sae.config().dSae(), kind);
        return new Direction(sae.config().hookName(), sae.decoderDirection(index));
    }

    /** Zero-ablation of one feature with its dictionary's error term kept, as hooks; {@link #ablationText} says it in words. */
    public Hooks ablation(String model, int layer, String kind, int index) {
        if (TranscoderFeatures.isKind(kind)) {
            Transcoder t = transcoders().get(model, layer, kind);
            requireIndex(index, t.features(), kind);
            return TranscoderFeatures.ablate(t, index, Hooks.none());
        }
        Sae sae = saes().get(model, layer, requireSae(kind));
        requireIndex(index, sae.config().dSae(), kind);
        return Hooks.none().replace(sae.config().hookName(), SaeInterventions.ablate(sae, index));
    }

    public static String ablationText(String kind) {
        return TranscoderFeatures.isKind(kind)
                ? "MLP output minus the feature's activation x its decoder row (transcoder error term kept)"
                : "clamp to 0 (error term kept)";
    }

    /** The folder holding the dictionary of a kind's layer. */
    public static Path folder(Path dataDir, String model, int layer, String kind) {
        return TranscoderFeatures.isKind(kind) ? TranscoderFeatures.folder(dataDir, model, layer, kind)
                : SaeStore.folder(dataDir, model, layer, kind);
    }

    /**
     * The fingerprint of the dictionary in a kind's folder now (what a collection's manifest records).
     *
     * @throws java.util.NoSuchElementException when the folder holds none
     */
    public static String fingerprintOfFolder(Path dir, String kind) {
        if (!TranscoderFeatures.isKind(kind)) return SaeFingerprint.ofFolder(dir);
        if (TranscoderStore.stamp(dir) == null) throw new java.util.NoSuchElementException("no transcoder at " + dir);
        try {
            return TranscoderFormat.fingerprint(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the transcoder in " + dir, e);
        }
    }

    private SaeStore saes() {
        return saes.get();
    }

    private TranscoderStore transcoders() {
        return transcoders.get();
    }

    private static String requireSae(String kind) {
        if (kind == null || !kind.startsWith("sae-")) {
            throw new lantern.errors.InvalidInputException("feature kind must be mlp, an SAE kind (sae-...) or a transcoder"
                    + " kind (tc-NAME): " + kind);
        }
        return kind;
    }

    private static void requireIndex(int index, int width, String kind) {
        if (index < 0 || index >= width) {
            throw new lantern.errors.InvalidInputException("feature " + index + " out of range: " + kind + " has features 0.."
                    + (width - 1));
        }
    }
}
