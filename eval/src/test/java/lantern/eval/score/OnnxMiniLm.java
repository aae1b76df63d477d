package lantern.eval.score;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import lantern.subject.SentenceEmbedder;

import java.util.List;

/** The real all-MiniLM-L6-v2 through ONNX Runtime, until the lead's BertModel lands. */
public final class OnnxMiniLm implements SentenceEmbedder {
    private static OnnxMiniLm instance;
    private final AllMiniLmL6V2EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();

    public static synchronized OnnxMiniLm get() {
        if (instance == null) instance = new OnnxMiniLm();
        return instance;
    }

    @Override
    public int dimension() {
        return 384;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        return model.embedAll(texts.stream().map(TextSegment::from).toList()).content().stream().map(Embedding::vector).toList();
    }
}
