package lantern.index;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import lantern.subject.SentenceEmbedder;

import java.util.List;

/**
 * Real all-MiniLM-L6-v2 sentence embeddings through ONNX Runtime (the oracle the lead's BertModel matches), as a
 * {@link SentenceEmbedder}. One shared instance: loading the model takes a moment.
 */
public final class OnnxMiniLm implements SentenceEmbedder {
    private static volatile OnnxMiniLm shared;
    private final AllMiniLmL6V2EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();

    public static OnnxMiniLm shared() {
        if (shared == null) {
            synchronized (OnnxMiniLm.class) {
                if (shared == null) shared = new OnnxMiniLm();
            }
        }
        return shared;
    }

    @Override
    public int dimension() {
        return 384;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        List<Embedding> out = model.embedAll(texts.stream().map(TextSegment::from).toList()).content();
        return out.stream().map(Embedding::vector).toList();
    }
}
