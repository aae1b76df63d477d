package lantern.service;

import lantern.errors.BadRequestException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import lantern.subject.SubjectModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.DecoderRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decoders registered in {@code <dataDir>/models.json} (see {@code lantern models add}), each loaded once on first
 * use; other ids go to the service's {@link ModelRegistry} (MiniLM and any encoders), so a lens request for an
 * encoder gets the clear "no LM head" answer. Over REST only registered names are accepted, never paths.
 */
@ApplicationScoped
public class DecoderModelCache {
    @Inject
    LanternConfig config;

    @Inject
    ModelRegistry models;

    private final Map<String, DecoderModel> loaded = new ConcurrentHashMap<>();

    public SubjectModel get(String id) {
        if (id == null || id.isBlank()) throw new BadRequestException("\"model\" is required");
        if (new DecoderRegistry(config.dataDir()).contains(id)) {
            return loaded.computeIfAbsent(id, name -> DecoderModels.load(name, config.dataDir()));
        }
        return models.get(id);
    }

    @PreDestroy
    void close() {
        loaded.values().forEach(DecoderModel::close);
    }
}
