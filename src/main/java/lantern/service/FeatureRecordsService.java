package lantern.service;

import lantern.core.FeatureLookup;
import lantern.core.LanternConfig;
import lantern.errors.NotFoundException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import lantern.api.FeatureId;
import lantern.collect.FeatureRecordSource;
import lantern.api.FeatureRecords;
import lantern.api.Manifest;
import lantern.collect.StaleCollectionException;

import java.util.List;
import java.util.Optional;

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

    private FeatureLookup lookup;

    private synchronized FeatureLookup lookup() {
        if (lookup == null) lookup = new FeatureLookup(config.dataDir());
        return lookup;
    }

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
        return lookup().load(id);
    }

    /** False for a collection of SAE features whose SAE has changed on disk since. */
    public boolean isCurrent(Manifest m, int layer) {
        return lookup().isCurrent(m, layer);
    }

    /** The records, or a 404 that says how to collect them. */
    public FeatureRecords require(FeatureId id) {
        validate(id);
        return load(id).orElseThrow(() -> new NotFoundException("no collected records for feature " + id
                + "; collect them first: ./lantern collect --model " + id.model() + " --layers " + id.layer()));
    }

    public List<Manifest> collections() {
        return lookup().collections();
    }
}
