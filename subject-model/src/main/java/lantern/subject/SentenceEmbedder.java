package lantern.subject;

import java.util.List;

/** Mean-pooled, L2-normalized sentence embeddings (MiniLM's, 384 dimensions). */
public interface SentenceEmbedder {
    int dimension();

    List<float[]> embedAll(List<String> texts);

    default float[] embed(String text) {
        return embedAll(List.of(text)).get(0);
    }
}
