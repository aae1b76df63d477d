package lantern.core;

import lantern.api.FeatureId;
import lantern.api.FeatureRecords;
import lantern.api.Manifest;
import lantern.collect.ActivationStore;
import lantern.collect.FeatureRecordSource;
import lantern.collect.SaeCollectionCheck;
import lantern.collect.StaleCollectionException;
import lantern.collect.StoredCollection;
import lantern.collect.StoredFeatureRecords;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finding a feature's collected records in a data folder: the newest current collection holding its model, kind and
 * layer (a collection of SAE features whose SAE changed since is stale and skipped, or refused with how to recollect
 * when it is the only one), or a collection by name. The service and the commands look features up through this.
 */
public final class FeatureLookup implements FeatureRecordSource {
    private final Path dataDir;
    private final Map<Path, Opened> open = new ConcurrentHashMap<>();

    private record Opened(FileTime stamp, StoredFeatureRecords records) {
    }

    /** A feature's records with the manifest of the collection they came from. */
    public record Found(FeatureRecords records, Manifest collection) {
    }

    public FeatureLookup(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** The collections in the data folder, newest first. */
    public List<Manifest> collections() {
        return ActivationStore.list(dataDir);
    }

    /** The records from the first current collection that holds them; a stale one only as the error. */
    @Override
    public Optional<FeatureRecords> load(FeatureId id) {
        StaleCollectionException stale = null;
        for (Manifest m : collections()) {
            if (!holds(m, id)) continue;
            try {
                SaeCollectionCheck.requireCurrent(dataDir, m, id.layer());
            } catch (StaleCollectionException e) {
                if (stale == null) stale = e;
                continue; // another collection of the feature may be current
            }
            Optional<FeatureRecords> r = opened(ActivationStore.dir(dataDir, m.model(), m.name())).load(id);
            if (r.isPresent()) return r;
        }
        if (stale != null) throw stale;
        return Optional.empty();
    }

    /** False for a collection of SAE features whose SAE has changed on disk since. */
    public boolean isCurrent(Manifest m, int layer) {
        return SaeCollectionCheck.isCurrent(dataDir, m, layer);
    }

    /**
     * The records from the collection named {@code name}, or (null) the newest current one holding the feature;
     * "no collection" says how to make one.
     */
    public Found find(FeatureId id, String name) {
        List<Manifest> candidates = collections().stream().filter(m -> holds(m, id))
                .filter(m -> name == null || m.name().equals(name)).toList();
        if (candidates.isEmpty()) {
            throw new NoSuchElementException("no collection of " + id.model() + " layer " + id.layer() + " (" + id.kind()
                    + ")" + (name == null ? "" : " named " + name) + " in " + dataDir + " (run: lantern collect --model "
                    + id.model() + ", or pass --records file.json)");
        }
        Manifest chosen = candidates.stream().filter(m -> isCurrent(m, id.layer())).findFirst().orElse(candidates.getFirst());
        SaeCollectionCheck.requireCurrent(dataDir, chosen, id.layer()); // all stale: say so, and how to recollect
        StoredCollection c = StoredCollection.open(dataDir, id.model(), chosen.name());
        return new Found(c.records(id.layer(), id.index()), c.manifest());
    }

    /** The records as {@link #find} finds them, or "no records" when the collection lacks the feature. */
    public FeatureRecords load(FeatureId id, String name) {
        Found f = find(id, name);
        if (f.records() == null) throw new NoSuchElementException("no records for " + id + " in the collection");
        return f.records();
    }

    private static boolean holds(Manifest m, FeatureId id) {
        return m.model().equals(id.model()) && m.kind().equals(id.kind()) && m.layers().contains(id.layer());
    }

    private StoredFeatureRecords opened(Path dir) {
        FileTime stamp;
        try {
            stamp = Files.getLastModifiedTime(dir.resolve("manifest.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return open.compute(dir, (k, old) -> old != null && old.stamp().equals(stamp) ? old
                : new Opened(stamp, new StoredFeatureRecords(StoredCollection.open(dir)))).records();
    }
}
