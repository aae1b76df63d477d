package lantern.service;

import lantern.errors.NotFoundException;

import lantern.subject.MklDispatch;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import lantern.subject.ModelInfo;
import lantern.subject.SubjectModel;
import lantern.subject.bert.BertModel;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The subject models this service knows. MiniLM (the embedded default) loads on first use, once; it is also the
 * sentence embedder for scores and the index.
 */
@ApplicationScoped
public class ModelRegistry {
    static {
        MklDispatch.ensure();  // before libtorch loads: MKL may then use AVX-512 on AMD
    }

    private volatile BertModel minilm;  // the one place outside the bert package that names BertModel
    private volatile lantern.subject.SentenceEmbedder embedder;

    private volatile lantern.subject.sae.SaeStore saes;

    /** SAEs trained here or in SAELens format under {dataDir}/saes, loaded on first use and kept. */
    public synchronized lantern.subject.sae.SaeStore saes() {
        if (saes == null) saes = new lantern.subject.sae.SaeStore(config.dataDir(), minilm().manager());
        return saes;
    }

    /** MiniLM sentence embeddings behind a cache (shared random windows and repeated queries become lookups). */
    public synchronized lantern.subject.SentenceEmbedder embedder() {
        if (embedder == null) embedder = new lantern.subject.CachingEmbedder(minilm(), 20_000);
        return embedder;
    }

    public synchronized lantern.subject.EncoderModel minilm() {
        if (minilm == null) {
            minilm = BertModel.loadMiniLm();
        }
        return minilm;
    }

    @jakarta.inject.Inject
    LanternConfig config;

    /** MiniLM plus every decoder registered with {@code lantern models add}, described from its config only. */
    public List<ModelInfo> list() {
        List<ModelInfo> out = new ArrayList<>();
        out.add(minilm().info());
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

    /** Just the ids, for error messages (loads nothing). */
    private List<String> ids() {
        return List.of(BertModel.MINILM_ID);
    }

    private final java.util.Map<String, lantern.subject.decoder.DecoderModel> decoders =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** MiniLM, or a decoder registered in {@code <dataDir>/models.json} (loaded once, on first use). */
    public SubjectModel get(String id) {
        if (BertModel.MINILM_ID.equals(id)) return minilm();
        if (id != null && config != null && new lantern.subject.decoder.DecoderRegistry(config.dataDir()).contains(id)) {
            return decoders.computeIfAbsent(id, name -> lantern.subject.decoder.DecoderModels.load(name, config.dataDir()));
        }
        throw new NotFoundException("unknown model '" + id + "'; encoders here: " + ids()
                + " (decoders are registered with: lantern models add NAME DIR)");
    }

    /** A model run through hooks (MiniLM or a registered decoder); unknown ids are NoSuchElementException (404). */
    public lantern.subject.HookedModel hooked(String id) {
        SubjectModel m = get(id);
        if (m instanceof lantern.subject.HookedModel h) return h;
        throw new lantern.errors.BadRequestException("model '" + id + "' cannot be run through hooks");
    }

    /** The encoder named {@code id}, or a clear error when it is not one. */
    public lantern.subject.EncoderModel encoder(String id) {
        SubjectModel m = get(id);
        if (m instanceof lantern.subject.EncoderModel b) return b;
        throw new lantern.errors.BadRequestException("model '" + id + "' is not an encoder");
    }

    @PreDestroy
    void close() {
        decoders.values().forEach(lantern.subject.decoder.DecoderModel::close);
        if (minilm != null) minilm.close();
    }
}
