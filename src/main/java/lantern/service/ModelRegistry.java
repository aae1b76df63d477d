package lantern.service;

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
    private volatile BertModel minilm;

    public synchronized BertModel minilm() {
        if (minilm == null) {
            minilm = BertModel.loadMiniLm();
        }
        return minilm;
    }

    /** Every model's description, without loading anything that is not loaded. */
    public List<ModelInfo> list() {
        List<ModelInfo> out = new ArrayList<>();
        out.add(minilm().info());
        return out;
    }

    public SubjectModel get(String id) {
        if (BertModel.MINILM_ID.equals(id)) return minilm();
        throw new NoSuchElementException("unknown model '" + id + "'; known: " + list().stream().map(ModelInfo::id).toList());
    }

    /** The encoder named {@code id}, or a clear error when it is not one. */
    public BertModel encoder(String id) {
        SubjectModel m = get(id);
        if (m instanceof BertModel b) return b;
        throw new IllegalArgumentException("model '" + id + "' is not an encoder");
    }

    @PreDestroy
    void close() {
        if (minilm != null) minilm.close();
    }
}
