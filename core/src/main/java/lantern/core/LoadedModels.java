package lantern.core;

import lantern.errors.NotFoundException;
import lantern.subject.MklDispatch;
import lantern.subject.SentenceEmbedder;
import lantern.subject.SubjectModel;
import lantern.subject.bert.BertModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.sae.SaeStore;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The subject models of one process, each loaded once on first use: MiniLM (also the sentence embedder, behind a
 * cache), the decoders registered in {@code {dataDir}/models.json}, and the SAEs under {@code {dataDir}/saes}. Plain
 * (no CDI): {@link ModelRegistry} holds the app's; a Spark executor holds its own. Thread-safe.
 */
public final class LoadedModels implements AutoCloseable {
    static {
        MklDispatch.ensure();  // before libtorch loads: MKL may then use AVX-512 on AMD
    }

    private final Path dataDir;
    private volatile BertModel minilm;  // the one place outside the bert package that names BertModel
    private volatile SentenceEmbedder embedder;
    private volatile SaeStore saes;
    private volatile lantern.subject.transcoder.TranscoderStore transcoders;
    private final Map<String, DecoderModel> decoders = new ConcurrentHashMap<>();
    private final Map<String, BertModel> encoders = new ConcurrentHashMap<>();  // embedded encoders besides MiniLM

    /** @param dataDir where registered decoders and SAEs are; null for MiniLM only */
    public LoadedModels(Path dataDir) {
        this.dataDir = dataDir;
    }

    public synchronized lantern.subject.EncoderModel minilm() {
        if (minilm == null) minilm = BertModel.loadMiniLm();
        return minilm;
    }

    /** MiniLM sentence embeddings behind a cache (shared random windows and repeated queries become lookups). */
    public synchronized SentenceEmbedder embedder() {
        if (embedder == null) embedder = new lantern.subject.CachingEmbedder(minilm(), 20_000);
        return embedder;
    }

    private final Map<String, SentenceEmbedder> embedders = new ConcurrentHashMap<>();  // other encoders', cached

    /** An embedded encoder's sentence embeddings behind a cache: MiniLM's as {@link #embedder()}, bge-small-zh's, ... */
    public SentenceEmbedder embedder(String encoderId) {
        if (BertModel.MINILM_ID.equals(encoderId)) return embedder();
        return embedders.computeIfAbsent(encoderId, id -> new lantern.subject.CachingEmbedder(get(id).sentenceEmbedder()
                .orElseThrow(() -> new IllegalArgumentException("'" + id + "' is not a sentence encoder")), 20_000));
    }

    /**
     * The encoders of the embedding score, chosen per feature ({@link lantern.eval.score.ScoringEmbedders}: a feature
     * of bge-small-zh or with Chinese windows is scored by bge-small-zh, the others by MiniLM), each loaded once.
     */
    public lantern.eval.score.ScoringEmbedders scoringEmbedders() {
        return new lantern.eval.score.ScoringEmbedders(this::embedder);
    }

    /** SAEs trained here or in SAELens format under {dataDir}/saes, loaded on first use and kept. */
    public synchronized SaeStore saes() {
        if (saes == null) saes = new SaeStore(dataDir, minilm().manager());
        return saes;
    }

    /** Single transcoders under {dataDir}/transcoders by feature kind ({@code tc-NAME}), loaded on first use and kept. */
    public synchronized lantern.subject.transcoder.TranscoderStore transcoders() {
        if (transcoders == null) transcoders = new lantern.subject.transcoder.TranscoderStore(dataDir);
        return transcoders;
    }

    /** SAE and transcoder features by kind (each store opened only when a kind of its own is asked for). */
    public lantern.subject.transcoder.FeatureDictionaries dictionaries() {
        return new lantern.subject.transcoder.FeatureDictionaries(this::saes, this::transcoders);
    }

    /**
     * MiniLM, another embedded encoder ({@code bge-small-zh}), or a decoder registered in {@code <dataDir>/models.json}
     * (each loaded once, on first use).
     */
    public SubjectModel get(String id) {
        if (BertModel.MINILM_ID.equals(id)) return minilm();
        var embedded = lantern.subject.bert.EmbeddedEncoder.byId(id);
        if (embedded.isPresent()) return encoders.computeIfAbsent(id, k -> BertModel.load(embedded.get()));
        if (id != null && dataDir != null && new lantern.subject.decoder.DecoderRegistry(dataDir).contains(id)) {
            return decoders.computeIfAbsent(id, name -> lantern.subject.decoder.DecoderModels.load(name, dataDir));
        }
        throw new NotFoundException("unknown model '" + id + "'; encoders here: " + lantern.subject.bert.EmbeddedEncoder.ids()
                + " (decoders are registered with: lantern models add NAME DIR)");
    }

    /** Whether the model is loaded already (no load is started). */
    public boolean isLoaded(String id) {
        return BertModel.MINILM_ID.equals(id) ? minilm != null : encoders.containsKey(id) || decoders.containsKey(id);
    }

    @Override
    public void close() {
        if (transcoders != null) transcoders.close();
        decoders.values().forEach(DecoderModel::close);
        encoders.values().forEach(BertModel::close);
        if (minilm != null) minilm.close();
    }
}
