package lantern.service;

import lantern.core.CausalCheck;
import lantern.core.LanternConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import lantern.api.causal.CausalScore;
import lantern.api.FeatureRecords;

/**
 * The causal check of a collected feature over the app's models ({@link CausalCheck}): on MiniLM the change of
 * sentence embeddings, on decoders the change of the next-token distribution.
 */
@ApplicationScoped
public class CausalService {
    @Inject
    ModelRegistry models;
    @Inject
    LanternConfig config;

    private volatile CausalCheck check;

    public CausalScore causal(FeatureRecords records) {
        CausalCheck c = check;
        if (c == null) check = c = new CausalCheck(models.loaded(), config.dataDir());
        return c.causal(records);
    }
}
