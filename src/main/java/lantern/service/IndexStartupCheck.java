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
        double oversample = config.index().knnOversample();
        if (!(oversample >= 1 && oversample <= 100)) { // a setting, not a request: refuse to start, naming it
            throw new IllegalArgumentException("lantern.index.knn-oversample must be in [1, 100], not " + oversample);
        }
        int m = config.index().hnswM(), beam = config.index().hnswBeamWidth();
        if (m < 2 || m > 512 || beam < 1 || beam > 3200) {
            throw new IllegalArgumentException("lantern.index.hnsw-m must be in [2, 512] and lantern.index.hnsw-beam-width in [1, 3200], not "
                    + m + " and " + beam);
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
