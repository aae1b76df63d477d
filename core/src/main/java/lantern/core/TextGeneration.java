package lantern.core;

import lantern.api.generate.GenerateRequest;
import lantern.api.generate.GenerationResult;
import lantern.errors.InvalidInputException;
import lantern.subject.EncoderModel;
import lantern.api.generate.Sampling;
import lantern.subject.dola.DolaGenerator;

import java.util.NoSuchElementException;

/** Continuing a prompt with a decoder, plainly or by DoLa: {@code POST /api/generate} and {@code lantern generate}. */
public final class TextGeneration {
    private final ModelSource models;

    public TextGeneration(ModelSource models) {
        this.models = models;
    }

    public GenerationResult generate(GenerateRequest r) {
        if (r == null) throw new InvalidInputException("request body is required");
        Sampling s = new Sampling(r.maxTokens() == null ? 40 : r.maxTokens(),
                r.temperature() == null ? 0 : r.temperature(), r.topP() == null ? 1 : r.topP(),
                r.seed() == null ? 0 : r.seed());
        String dola = r.dola() == null || r.dola().isBlank() ? null : r.dola();
        float penalty = r.repetitionPenalty() == null ? 1f : r.repetitionPenalty();
        try {
            return models.withDecoder(decoderId(r.model()), "generation", m -> DolaGenerator.generate(m, r.prompt(), s, dola, penalty));
        } catch (NoSuchElementException e) { // an unknown model (lantern.errors.NotFoundException among them) is bad input here
            throw new InvalidInputException(e.getMessage(), e);
        }
    }

    /** MiniLM is refused without loading its weights: it has no LM head. */
    static String decoderId(String id) {
        if (EncoderModel.MINILM_ID.equals(id)) {
            throw new InvalidInputException("model " + id + " is an encoder: it has no LM head (generation, DoLa and "
                    + "knowledge neurons need one)");
        }
        return Lenses.requireModel(id);
    }
}
