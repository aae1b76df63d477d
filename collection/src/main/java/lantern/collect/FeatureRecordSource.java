package lantern.collect;

import lantern.api.FeatureRecords;
import lantern.api.FeatureId;
import java.util.Optional;

/** Where collected records are read from (an activation cache on disk). */
public interface FeatureRecordSource {
    Optional<FeatureRecords> load(FeatureId id);
}
