package lantern.service;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import lantern.api.FeatureId;
import lantern.explainer.explain.Explainer;
import lantern.core.LanternConfig;
import lantern.explainer.selfreport.VerbalizerExplainers;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code "explainer": "verbalizer"} for the service: one {@link VerbalizerExplainers} per registered decoder,
 * created on first use (its verbalizers and anchors stay loaded).
 */
@ApplicationScoped
public class VerbalizerExplainerService {
    @Inject
    LanternConfig config;
    @Inject
    ModelRegistry models;

    private final Map<String, VerbalizerExplainers> byModel = new HashMap<>();

    public Explainer forFeature(FeatureId id) {
        VerbalizerExplainers v;
        synchronized (byModel) {
            v = byModel.computeIfAbsent(id.model(),
                    m -> new VerbalizerExplainers(config.dataDir(), models.hooked(m), models::saes,
                            () -> models.loaded().transcoders()));
        }
        return v.forFeature(id);
    }

    @PreDestroy
    void close() {
        synchronized (byModel) {
            byModel.values().forEach(VerbalizerExplainers::close);
            byModel.clear();
        }
    }
}
