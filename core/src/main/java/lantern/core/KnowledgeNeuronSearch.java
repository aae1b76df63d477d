package lantern.core;

import lantern.api.knowledge.KnowledgeRequest;
import lantern.api.knowledge.KnowledgeResult;
import lantern.errors.InvalidInputException;
import lantern.subject.knowledge.KnowledgeNeurons;

import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * Knowledge neurons (Dai et al. 2022) of one fact: {@code POST /api/knowledge-neurons} and
 * {@code lantern knowledge-neurons} call {@link #find}.
 */
public final class KnowledgeNeuronSearch {
    private final ModelSource models;

    public KnowledgeNeuronSearch(ModelSource models) {
        this.models = models;
    }

    /** The MLP neurons whose integrated gradients carry the target, and what suppressing/amplifying them does. */
    public KnowledgeResult find(String model, KnowledgeRequest request, Consumer<String> progress) {
        try {
            return models.withDecoder(TextGeneration.decoderId(model), "knowledge neurons",
                    m -> KnowledgeNeurons.find(m, request, progress));
        } catch (NoSuchElementException e) { // an unknown model (lantern.errors.NotFoundException among them) is bad input here
            throw new InvalidInputException(e.getMessage(), e);
        }
    }
}
