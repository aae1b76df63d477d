package lantern.service;

import lantern.core.LanternConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import lantern.index.IndexCheck;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * When the service starts serving, the feature index is verified (every file's checksum); a damaged one stops the
 * start with a message naming {@code lantern index rebuild}, instead of failing searches one by one later.
 */
@ApplicationScoped
public class IndexStartupCheck {
    private static final Logger LOG = Logger.getLogger(IndexStartupCheck.class);

    @Inject
    LanternConfig config;

    void onStart(@Observes StartupEvent event) {
        // settings, not requests: refuse to start, naming them (the bounds are the index's own checks)
        try {
            lantern.index.FeatureIndex.checkQuantizedOversample(config.index().knnOversample());
        } catch (lantern.errors.InvalidInputException e) {
            throw new IllegalArgumentException("lantern.index.knn-oversample: " + e.getMessage());
        }
        try {
            lantern.index.VectorFormat.checkGraph(config.index().hnswM(), config.index().hnswBeamWidth());
        } catch (lantern.errors.InvalidInputException e) {
            throw new IllegalArgumentException("lantern.index.hnsw-m, lantern.index.hnsw-beam-width: " + e.getMessage());
        }
        boolean serving = ConfigProvider.getConfig().getOptionalValue("quarkus.http.host-enabled", Boolean.class).orElse(true);
        if (!serving) return; // CLI jobs; `lantern index rebuild` must run on a damaged index
        try {
            IndexCheck.verify(config.dataDir().resolve("index"));
        } catch (IndexCheck.DamagedIndexException e) {
            LOG.error(e.getMessage());
            throw e;
        }
    }
}
