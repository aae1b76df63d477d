package lantern.core;

import lantern.api.lens.LayerSweepResult;
import lantern.api.lens.LensRequest;
import lantern.api.lens.PatchRequest;
import lantern.api.lens.PatchscopeResult;
import lantern.api.lens.SweepRequest;
import lantern.errors.InvalidInputException;
import lantern.subject.SubjectModel;
import lantern.subject.lens.LayerSweep;
import lantern.subject.lens.LogitLens;
import lantern.subject.lens.Patchscope;
import lantern.subject.lens.PatchscopePreset;
import lantern.subject.lens.PatchscopeRequest;
import lantern.subject.lens.StateMapping;

import java.util.ArrayList;
import java.util.List;

/**
 * Reading hidden states as tokens: the logit lens, a Patchscope, and the Patchscope layer sweep, with their defaults
 * decided here once. {@code POST /api/lens}, {@code POST /api/patchscopes[/sweep]}, {@code lantern lens} and
 * {@code lantern patchscope [--sweep]} all call these methods; the models come from the caller's {@link ModelSource}.
 */
public final class Lenses {
    public static final int MAX_TOKENS = 256;

    private final ModelSource models;

    public Lenses(ModelSource models) {
        this.models = models;
    }

    /** Per layer, the top-k next tokens of softmax(W_U LN_final(resid_post)) at one position. */
    public lantern.api.lens.LensResult lens(LensRequest r) {
        if (r == null) throw new InvalidInputException("request body is required");
        if (r.prompt() == null || r.prompt().isEmpty()) throw new InvalidInputException("\"prompt\" is required");
        return models.withDecoder(requireModel(r.model()), "logit lens", m -> LogitLens.run(m, r.prompt(),
                r.position() == null ? -1 : r.position(), r.k() == null ? 5 : r.k()));
    }

    /** Patches the source state into the target prompt and generates. */
    public PatchscopeResult patch(PatchRequest p) {
        if (p.sourceLayer() == null) throw new InvalidInputException("the source layer is required");
        int maxTokens = p.maxTokens() == null ? 20 : p.maxTokens();
        if (maxTokens < 0 || maxTokens > MAX_TOKENS) throw new InvalidInputException("maxTokens must be in 0.." + MAX_TOKENS);
        StateMapping mapping = p.mapping() == null ? new StateMapping.Identity()
                : new StateMapping.Affine(p.mapping().weight(), p.mapping().bias());
        String sourceId = requireModel(p.model());
        String targetId = p.targetModel() == null ? sourceId : p.targetModel();
        return models.withDecoder(sourceId, "Patchscopes", source -> targetId.equals(sourceId) ? patch(source, source, p, mapping, maxTokens)
                : models.withDecoder(targetId, "Patchscopes", target -> patch(source, target, p, mapping, maxTokens)));
    }

    private static PatchscopeResult patch(SubjectModel source, SubjectModel target, PatchRequest p, StateMapping mapping,
                                          int maxTokens) {
        Target t = target(p.preset(), p.targetPrompt(), p.targetPosition(), target);
        var request = new PatchscopeRequest(p.sourcePrompt(), p.sourceLayer(),
                p.sourcePosition() == null ? -1 : p.sourcePosition(), t.prompt(),
                p.targetLayer() == null ? p.sourceLayer() : p.targetLayer(), t.position(), mapping, maxTokens,
                p.temperature() == null ? 0f : p.temperature(), p.patchEveryStep() != null && p.patchEveryStep(),
                p.seed() == null ? 0L : p.seed());
        return Patchscope.run(source, target, request);
    }

    /** Precision@1 per layer of the Patchscope and of the logit lens against the model's own prediction. */
    public LayerSweepResult sweep(SweepRequest s) {
        if (s.prompt() == null || s.prompt().isEmpty()) throw new InvalidInputException("the prompt is required");
        return models.withDecoder(requireModel(s.model()), "Patchscopes", model -> {
            Target t = target(s.preset(), s.targetPrompt(), s.targetPosition(), model);
            List<Integer> positions = s.positions();
            if (positions == null) {
                positions = new ArrayList<>();
                int n = model.tokenizer().encode(s.prompt(), true).length();
                for (int i = 0; i < n; i++) positions.add(i);
            }
            return LayerSweep.run(model, s.prompt(), positions, t.prompt(), t.position(), s.grid());
        });
    }

    /** A target prompt and the position the state is written at. */
    public record Target(String prompt, int position) {
    }

    /**
     * The preset's defaults: with no target prompt, the preset's own prompt and its placeholder position; with one,
     * the caller's prompt and position (-1, the last token, when none is given).
     */
    public static Target target(String presetName, String targetPrompt, Integer targetPosition, SubjectModel target) {
        PatchscopePreset preset = presetName != null ? PatchscopePreset.parse(presetName)
                : targetPrompt != null ? PatchscopePreset.FREE_FORM : PatchscopePreset.IDENTITY;
        if (targetPrompt != null) return new Target(targetPrompt, targetPosition == null ? -1 : targetPosition);
        if (preset == PatchscopePreset.FREE_FORM) {
            throw new InvalidInputException("free-form needs a target prompt (or name a preset: identity, "
                    + "entity-description, attribute-extraction)");
        }
        if (targetPosition != null) return new Target(preset.prompt(), targetPosition);
        return new Target(preset.prompt(), preset.targetPosition(target.requireLanguageModel("Patchscopes")));
    }

    /** The model id a request names; blank is refused (REST has no default model). */
    static String requireModel(String id) {
        if (id == null || id.isBlank()) throw new InvalidInputException("\"model\" is required");
        return id;
    }
}
