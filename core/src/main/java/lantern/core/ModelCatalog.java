package lantern.core;

import lantern.api.models.RegisteredModel;
import lantern.subject.decoder.DecoderConfig;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.DecoderRegistry;

import java.nio.file.Path;
import java.util.List;

/** The decoders registered by name in {@code <data>/models.json}: adding one (after checking it reads) and listing them. */
public final class ModelCatalog {
    private final DecoderRegistry registry;

    public ModelCatalog(Path dataDir) {
        this.registry = new DecoderRegistry(dataDir);
    }

    /** Registers {@code name} for {@code dir} (an HF folder or a llama2.c .bin) and says what it holds. */
    public RegisteredModel add(String name, Path dir, Path tokenizer) {
        registry.add(name, dir, tokenizer);
        DecoderConfig c = DecoderModels.describe(dir, tokenizer);
        return new RegisteredModel(name, dir.toAbsolutePath().normalize().toString(),
                tokenizer == null ? null : tokenizer.toString(), c.family(), c.layers(), c.dModel(), c.heads(),
                c.kvHeads(), c.vocabSize(), c.contextLength(), registry.file().toString());
    }

    /** The registered names with their paths (the shapes are not read: listing loads nothing). */
    public List<RegisteredModel> list() {
        return registry.list().entrySet().stream()
                .map(e -> new RegisteredModel(e.getKey(), e.getValue().path(), e.getValue().tokenizer(), null, 0, 0, 0, 0,
                        0, 0, registry.file().toString()))
                .toList();
    }

    /** Whether {@code id} names a registered decoder (loads nothing). */
    public boolean isDecoder(String id) {
        return id != null && registry.contains(id);
    }
}
