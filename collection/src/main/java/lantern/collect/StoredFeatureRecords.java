package lantern.collect;

import lantern.api.Manifest;
import lantern.api.FeatureId;
import lantern.collect.FeatureRecordSource;
import lantern.api.FeatureRecords;

import java.nio.file.Path;
import java.util.Optional;

/** Feature records from a stored collection: MLP neurons of the collected model and layers. */
public final class StoredFeatureRecords implements FeatureRecordSource {
    private final StoredCollection collection;

    public StoredFeatureRecords(StoredCollection collection) {
        this.collection = collection;
    }

    public static StoredFeatureRecords open(Path dataDir, String model, String name) {
        return new StoredFeatureRecords(StoredCollection.open(dataDir, model, name));
    }

    public StoredCollection collection() {
        return collection;
    }

    @Override
    public Optional<FeatureRecords> load(FeatureId id) {
        Manifest m = collection.manifest();
        if (!id.kind().equals(m.kind()) || !id.model().equals(m.model()) || !collection.hasLayer(id.layer()) || id.index() >= m.width()) {
            return Optional.empty();
        }
        return Optional.of(collection.records(id.layer(), id.index()));
    }
}
