package lantern.service;

import lantern.core.LanternConfig;
import lantern.errors.InvalidInputException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import lantern.subject.SubjectModel;
import lantern.subject.decoder.DecoderRegistry;


/**
 * The models the REST resources name: decoders registered in {@code <dataDir>/models.json} (see {@code lantern
 * models add}) and MiniLM, all held by the {@link ModelRegistry} (each loaded once), so a lens request for an
 * encoder gets the clear "no LM head" answer. Over REST only registered names are accepted, never paths.
 */
@ApplicationScoped
public class DecoderModelCache {
    @Inject
    LanternConfig config;

    @Inject
    ModelRegistry models;

    public SubjectModel get(String id) {
        if (id == null || id.isBlank()) throw new InvalidInputException("\"model\" is required");
        return models.get(id);
    }

    /** A model run through hooks: MiniLM or a registered decoder; unknown ids are NoSuchElementException. */
    public lantern.subject.HookedModel hooked(String id) {
        return models.hooked(id);
    }

    /** True when {@code id} names a registered decoder (loads nothing). */
    public boolean isDecoder(String id) {
        return id != null && new DecoderRegistry(config.dataDir()).contains(id);
    }
}
