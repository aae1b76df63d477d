package lantern.service;

import lantern.core.LanternConfig;
import lantern.errors.NotFoundException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import lantern.collect.FeatureId;
import lantern.collect.FeatureRecordSource;
import lantern.collect.FeatureRecords;
import lantern.collect.ActivationStore;
import lantern.collect.Manifest;
import lantern.collect.SaeCollectionCheck;
import lantern.collect.StaleCollectionException;
import lantern.collect.StoredCollection;
import lantern.collect.StoredFeatureRecords;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Collected records of features, read from the activation caches in the data directory (newest collection that
 * holds the feature's layer first). A collection rewritten on disk is reopened. A collection of SAE features made
 * with other weights than the SAE on disk now is never served: when no current collection holds the feature,
 * {@link #load} throws {@link StaleCollectionException} (409) saying to collect again.
 */
@ApplicationScoped
public class FeatureRecordsService implements FeatureRecordSource {
    @Inject
    LanternConfig config;
    @Inject
    ModelRegistry models;

    private record Opened(FileTime stamp, StoredFeatureRecords records) {
    }

    private final Map<Path, Opened> open = new ConcurrentHashMap<>();

    /** Checks that the id names a real feature of a known model (400 / 404 otherwise). */
    public FeatureId validate(FeatureId id) {
        ActivationService.checkFeature(models.get(id.model()).info(), id);
        if (lantern.subject.transcoder.TranscoderFeatures.isKind(id.kind())) {
            int width = models.dictionaries().width(id.model(), id.layer(), id.kind());  // 404 when the transcoder is missing
            if (id.index() >= width) {
                throw new lantern.errors.InvalidInputException("feature " + id.index() + " out of range: " + id.kind()
                        + " has features 0.." + (width - 1) + " at layer " + id.layer());
            }
        }
        return id;
    }

    @Override
    public Optional<FeatureRecords> load(FeatureId id) {
        StaleCollectionException stale = null;
        for (Manifest m : ActivationStore.list(config.dataDir())) {
            if (!m.model().equals(id.model()) || !m.kind().equals(id.kind()) || !m.layers().contains(id.layer())) continue;
            try {
                SaeCollectionCheck.requireCurrent(config.dataDir(), m, id.layer());
            } catch (StaleCollectionException e) {
                if (stale == null) stale = e;
                continue; // another collection of the feature may be current
            }
            Optional<FeatureRecords> r = collection(ActivationStore.dir(config.dataDir(), m.model(), m.name())).load(id);
            if (r.isPresent()) return r;
        }
        if (stale != null) throw stale;
        return Optional.empty();
    }

    /** False for a collection of SAE features whose SAE has changed on disk since (see {@link SaeCollectionCheck}). */
    public boolean isCurrent(Manifest m, int layer) {
        return SaeCollectionCheck.isCurrent(config.dataDir(), m, layer);
    }

    /** The records, or a 404 that says how to collect them. */
    public FeatureRecords require(FeatureId id) {
        validate(id);
        return load(id).orElseThrow(() -> new NotFoundException("no collected records for feature " + id
                + "; collect them first: ./lantern collect --model " + id.model() + " --layers " + id.layer()));
    }

    public List<Manifest> collections() {
        return ActivationStore.list(config.dataDir());
    }

    private StoredFeatureRecords collection(Path dir) {
        FileTime stamp;
        try {
            stamp = Files.getLastModifiedTime(dir.resolve("manifest.json"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return open.compute(dir, (k, old) -> old != null && old.stamp().equals(stamp) ? old
                : new Opened(stamp, new StoredFeatureRecords(StoredCollection.open(dir)))).records();
    }
}
