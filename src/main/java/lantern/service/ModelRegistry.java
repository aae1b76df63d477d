package lantern.service;

import lantern.core.LanternConfig;
import lantern.core.LoadedModels;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import lantern.subject.ModelInfo;
import lantern.subject.SubjectModel;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The subject models this service knows. MiniLM (the embedded default) loads on first use, once; it is also the
 * sentence embedder for scores and the index.
 */
@ApplicationScoped
public class ModelRegistry {
    private volatile LoadedModels loaded;

    /** The plain holder of the loaded models ({@link LoadedModels}), made on first use. */
    public LoadedModels loaded() {
        LoadedModels l = loaded;
        if (l == null) {
            synchronized (this) {
                if (loaded == null) loaded = new LoadedModels(config == null ? null : config.dataDir());
                l = loaded;
            }
        }
        return l;
    }

    /** SAEs trained here or in SAELens format under {dataDir}/saes, loaded on first use and kept. */
    public lantern.subject.sae.SaeStore saes() {
        return loaded().saes();
    }

    /** SAE features ({@code sae-...}) and transcoder features ({@code tc-NAME}) by kind. */
    public lantern.subject.transcoder.FeatureDictionaries dictionaries() {
        return loaded().dictionaries();
    }

    /** MiniLM sentence embeddings behind a cache (shared random windows and repeated queries become lookups). */
    public lantern.subject.SentenceEmbedder embedder() {
        return loaded().embedder();
    }

    public lantern.subject.EncoderModel minilm() {
        return loaded().minilm();
    }

    @jakarta.inject.Inject
    LanternConfig config;

    /** MiniLM, the other embedded encoders, and every decoder registered with {@code lantern models add}, described from its config only. */
    public List<ModelInfo> list() {
        List<ModelInfo> out = new ArrayList<>();
        out.add(minilm().info());
        lantern.subject.bert.EmbeddedEncoder.ALL.stream().filter(e -> !e.id().equals(lantern.subject.EncoderModel.MINILM_ID))
                .forEach(e -> out.add(e.describe()));
        if (config == null) return out;
        var registry = new lantern.subject.decoder.DecoderRegistry(config.dataDir());
        registry.list().forEach((name, entry) -> {
            try {
                var c = lantern.subject.decoder.DecoderModels.describe(java.nio.file.Path.of(entry.path()),
                        entry.tokenizer() == null ? null : java.nio.file.Path.of(entry.tokenizer()));
                out.add(new ModelInfo(name, c.family(), c.layers(), c.dModel(), c.heads(), c.dMlp(), c.vocabSize(),
                        c.contextLength(), false, entry.path()));
            } catch (RuntimeException e) {
                // a registered folder that went missing must not break the listing; it is reported by its own calls
                org.jboss.logging.Logger.getLogger(ModelRegistry.class).warnf("model %s: %s", name, e.getMessage());
            }
        });
        return out;
    }

    /** MiniLM, or a decoder registered in {@code <dataDir>/models.json} (loaded once, on first use). */
    public SubjectModel get(String id) {
        return loaded().get(id);
    }

    /** A model run through hooks (MiniLM or a registered decoder); unknown ids are NoSuchElementException (404). */
    public lantern.subject.HookedModel hooked(String id) {
        SubjectModel m = get(id);
        if (m instanceof lantern.subject.HookedModel h) return h;
        throw new lantern.errors.InvalidInputException("model '" + id + "' cannot be run through hooks");
    }

    /** The encoder named {@code id}, or a clear error when it is not one. */
    public lantern.subject.EncoderModel encoder(String id) {
        SubjectModel m = get(id);
        if (m instanceof lantern.subject.EncoderModel b) return b;
        throw new lantern.errors.InvalidInputException("model '" + id + "' is not an encoder");
    }

    @PreDestroy
    void close() {
        if (loaded != null) loaded.close();
    }
}
