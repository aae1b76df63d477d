package lantern.service;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import lantern.errors.InvalidInputException;
import lantern.subject.SubjectModel;
import lantern.subject.decoder.Sampling;
import lantern.subject.dola.DolaGenerator;
import lantern.subject.dola.GenerationResult;

import java.util.NoSuchElementException;

/**
 * {@code POST /api/generate}: continues a prompt with a registered decoder; with {@code dola} ("high", "low" or
 * "0,2,4") by DoLa, naming each token's premature layer. Without it, ordinary generation.
 */
@Path("/api/generate")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class GenerateResource {
    /** Defaults: maxTokens 40, temperature 0 (greedy), topP 1, seed 0, no DoLa, repetitionPenalty 1. */
    public record GenerateRequest(String model, String prompt, Integer maxTokens, Float temperature, Float topP,
                                  Long seed, String dola, Float repetitionPenalty) {
    }

    @Inject
    DecoderModelCache models;

    @Inject
    lantern.service.access.RequestLimits limits;

    @POST
    public GenerationResult generate(GenerateRequest r) {
        if (r == null) throw new InvalidInputException("request body is required");
        if (r.maxTokens() != null) limits.generationTokens(r.maxTokens());
        Sampling s = new Sampling(r.maxTokens() == null ? 40 : r.maxTokens(),
                r.temperature() == null ? 0 : r.temperature(), r.topP() == null ? 1 : r.topP(),
                r.seed() == null ? 0 : r.seed());
        String dola = r.dola() == null || r.dola().isBlank() ? null : r.dola();
        return DolaGenerator.generate(model(models, r.model()), r.prompt(), s, dola,
                r.repetitionPenalty() == null ? 1f : r.repetitionPenalty());
    }

    /** The model a body names; an unknown name is bad input here (400), not a missing URL. */
    static SubjectModel model(DecoderModelCache models, String id) {
        if (lantern.subject.bert.BertModel.MINILM_ID.equals(id)) { // said without loading the encoder's weights
            throw new InvalidInputException("model " + id + " is an encoder: it has no LM head (generation, DoLa and "
                    + "knowledge neurons need one)");
        }
        try {
            return models.get(id);
        } catch (NoSuchElementException e) { // lantern.errors.NotFoundException among them
            throw new InvalidInputException(e.getMessage(), e);
        }
    }
}
