package lantern.service;

import lantern.core.LanternConfig;
import lantern.errors.InvalidInputException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import lantern.api.causal.Direction;
import lantern.eval.causal.DirectionStore;
import lantern.eval.causal.GenerationSteering;
import lantern.eval.causal.InterventionPlanner;
import lantern.api.causal.InterventionSpec;
import lantern.eval.causal.MeanDifference;
import lantern.api.causal.Pooling;
import lantern.eval.causal.Steering;
import lantern.subject.EncoderModel;
import lantern.subject.HookedModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.Generator;
import lantern.api.generate.Sampling;
import lantern.subject.sae.SaeStore;

import java.util.List;

/**
 * Directions, SAEs and interventions over the registry's models (MiniLM and registered decoders); SAEs load on first
 * use and stay open. The one place the steering use cases live: {@code POST /api/directions}, {@code POST /api/steer}
 * and {@code lantern steer} all call it, with the same limits.
 */
@ApplicationScoped
public class SteeringService {
    static final int MAX_TEXTS = 2000;
    /** Two generations run per request: keep one request's work bounded. */
    public static final int MAX_STEER_TOKENS = 512;

    /**
     * One steering request, as REST and the CLI give it.
     *
     * @param candidates  encoders: texts to rank by cosine with the clean and the steered embedding
     * @param top         how many candidates (encoders) or next tokens (decoders) to show
     * @param maxTokens   decoders: tokens to generate (default 40)
     * @param temperature decoders: 0 = greedy (default)
     * @param seed        decoders: the sampling seed, the same for both continuations
     */
    public record SteerRequest(String model, String prompt, List<InterventionSpec> interventions, List<String> candidates,
                               Integer top, Integer maxTokens, Float temperature, Float topP, Long seed) {
    }

    /** A direction to make from two lists of texts; {@code pool} "mean" or "last" (decoders' default). */
    public record DirectionRequest(String name, String model, String hook, List<String> positive, List<String> negative,
                                   String pool) {
    }

    @Inject
    ModelRegistry models;
    @Inject
    LanternConfig config;

    private volatile SaeStore saes;

    synchronized SaeStore saes() {
        if (saes == null) saes = models.saes();
        return saes;
    }

    DirectionStore directions() {
        return new DirectionStore(config.dataDir());
    }

    /** MiniLM or a registered decoder (404 for anything else). */
    HookedModel model(String id) {
        return models.hooked(id == null ? EncoderModel.MINILM_ID : id);
    }

    public Direction createDirection(DirectionRequest r) {
        if (r == null) throw new lantern.errors.InvalidInputException("body must be JSON like {\"name\",\"model\",\"hook\",\"positive\":[...],\"negative\":[...]}");
        DirectionStore.checkName(r.name());
        HookedModel m = model(r.model());
        checkTexts("positive", r.positive());
        checkTexts("negative", r.negative());
        if (r.hook() == null) throw new lantern.errors.InvalidInputException("hook is missing (e.g. blocks.3.hook_resid_post)");
        Pooling pool = Pooling.parse(r.pool(), m.info().encoder() ? Pooling.MEAN : Pooling.LAST);
        Direction d = MeanDifference.compute(m, r.name(), r.hook(), r.positive(), r.negative(), pool);
        directions().save(d);
        return d;
    }

    public Direction direction(String name) {
        return directions().load(name);
    }

    public List<String> directionNames() {
        return directions().names();
    }

    /**
     * Runs the prompt with and without the interventions. An encoder answers a {@link lantern.api.causal.SteeringResult} (embedding
     * cosine, nearest candidates); a decoder a {@link lantern.api.causal.GenerationSteeringResult} (both continuations, seeded).
     */
    public Object steer(SteerRequest r) {
        if (r == null) throw new lantern.errors.InvalidInputException("body must be JSON like {\"model\",\"prompt\",\"interventions\":[...]}");
        int top = r.top() == null ? 5 : r.top();
        if (top < 1 || top > 100) throw new lantern.errors.InvalidInputException("top must be in 1..100");
        HookedModel m = model(r.model());
        String prompt = r.prompt() == null ? "" : r.prompt();
        if (prompt.length() > config.maxTextChars()) throw new lantern.errors.InvalidInputException("prompt longer than " + config.maxTextChars() + " characters");
        if (r.interventions() == null || r.interventions().isEmpty()) throw new lantern.errors.InvalidInputException("give at least one intervention");
        if (r.interventions().size() > 100) throw new lantern.errors.InvalidInputException("at most 100 interventions");
        InterventionPlanner planner = new InterventionPlanner(m, this::saes, directions());
        DecoderModel d = m.languageModel().orElse(null);
        EncoderModel b = m.sentenceEmbedder().orElse(null);
        if (d != null) {
            if (r.candidates() != null && !r.candidates().isEmpty()) {
                throw new lantern.errors.InvalidInputException("candidates rank sentence embeddings (encoders); a decoder generates: leave them out");
            }
            Sampling s = sampling(r);
            long[] ids = Generator.promptIds(d, prompt);
            List<InterventionPlanner.Planned> planned = planner.plan(r.interventions());
            return GenerationSteering.run(d, prompt, ids, planned, planner.hooks(planned), s, top);
        }
        if (b != null) {
            if (r.maxTokens() != null || r.temperature() != null || r.topP() != null || r.seed() != null) {
                throw new lantern.errors.InvalidInputException("maxTokens, temperature, topP and seed are for decoders; " + b.info().id() + " is an encoder");
            }
            if (prompt.isBlank()) throw new lantern.errors.InvalidInputException("prompt is empty");
            if (r.candidates() != null) checkTexts("candidates", r.candidates());
            List<InterventionPlanner.Planned> planned = planner.plan(r.interventions());
            return Steering.run(b, prompt, planned, planner.hooks(planned), r.candidates(), top);
        }
        throw new lantern.errors.InvalidInputException("model " + m.info().id() + " cannot be steered");
    }

    private static Sampling sampling(SteerRequest r) {
        int maxTokens = r.maxTokens() == null ? 40 : r.maxTokens();
        if (maxTokens < 1 || maxTokens > MAX_STEER_TOKENS) throw new lantern.errors.InvalidInputException("maxTokens must be in 1.." + MAX_STEER_TOKENS);
        return new Sampling(maxTokens, r.temperature() == null ? 0f : r.temperature(), r.topP() == null ? 1f : r.topP(),
                r.seed() == null ? 0L : r.seed());
    }

    private void checkTexts(String what, List<String> texts) {
        if (texts == null) return;
        if (texts.size() > MAX_TEXTS) throw new InvalidInputException("at most " + MAX_TEXTS + " " + what + " texts");
        for (String t : texts) {
            if (t == null || t.isBlank()) throw new InvalidInputException(what + " holds an empty text");
            if (t.length() > config.maxTextChars()) throw new InvalidInputException(what + " text longer than " + config.maxTextChars() + " characters");
        }
    }

    @PreDestroy
    void close() {
        if (saes != null) saes.close();
    }
}
