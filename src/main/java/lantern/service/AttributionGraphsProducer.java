package lantern.service;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import lantern.core.AttributionGraphs;
import lantern.core.LanternConfig;
import lantern.core.ModelSource;

/** The service's one {@link AttributionGraphs} (one graph built at a time; transcoder sets kept with the held models). */
@Dependent
public class AttributionGraphsProducer {
    @Inject
    ModelRegistry models;

    @Inject
    LanternConfig config;

    @Produces
    @Singleton
    AttributionGraphs graphs() {
        return new AttributionGraphs(ModelSource.held(models.loaded()), config.dataDir());
    }
}
