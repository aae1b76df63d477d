package lantern.service;

import jakarta.enterprise.context.ApplicationScoped;
import lantern.subject.SubjectModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.lens.LayerSweep;
import lantern.subject.lens.Patchscope;
import lantern.subject.lens.PatchscopePreset;
import lantern.subject.lens.PatchscopeRequest;
import lantern.subject.lens.PatchscopeResult;
import lantern.subject.lens.StateMapping;

import java.util.ArrayList;
import java.util.List;

/**
 * The Patchscope use cases with their presets' defaults, in one place: {@code POST /api/patchscopes},
 * {@code POST /api/patchscopes/sweep} and {@code lantern patchscope [--sweep]} all call it (REST with registered
 * models, the CLI with what it loaded).
 */
@ApplicationScoped
public class PatchscopeService {
    public static final int MAX_TOKENS = 256;

    /**
     * One Patchscope as a caller gives it; nulls take the defaults: preset identity unless a target prompt is
     * given (then free-form), the preset's prompt, its placeholder's position (free-form: the last token), the
     * source layer as target layer, 20 tokens, greedy.
     */
    public record Patch(String preset, String sourcePrompt, Integer sourceLayer, Integer sourcePosition,
                        String targetPrompt, Integer targetLayer, Integer targetPosition, StateMapping mapping,
                        Integer maxTokens, Float temperature, Boolean patchEveryStep, Long seed) {
    }

    /** A layer sweep; {@code positions} null: every position of the prompt. */
    public record Sweep(String preset, String prompt, String targetPrompt, Integer targetPosition,
                        List<Integer> positions, boolean grid) {
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
            throw new lantern.errors.InvalidInputException("free-form needs a target prompt (or name a preset: identity, "
                    + "entity-description, attribute-extraction)");
        }
        if (targetPosition != null) return new Target(preset.prompt(), targetPosition);
        return new Target(preset.prompt(), preset.targetPosition(target.requireLanguageModel("Patchscopes")));
    }

    public PatchscopeResult patch(SubjectModel source, SubjectModel target, Patch p) {
        if (p.sourceLayer() == null) throw new lantern.errors.InvalidInputException("the source layer is required");
        Target t = target(p.preset(), p.targetPrompt(), p.targetPosition(), target);
        int maxTokens = p.maxTokens() == null ? 20 : p.maxTokens();
        if (maxTokens < 0 || maxTokens > MAX_TOKENS) throw new lantern.errors.InvalidInputException("maxTokens must be in 0.." + MAX_TOKENS);
        var request = new PatchscopeRequest(p.sourcePrompt(), p.sourceLayer(),
                p.sourcePosition() == null ? -1 : p.sourcePosition(), t.prompt(),
                p.targetLayer() == null ? p.sourceLayer() : p.targetLayer(), t.position(), p.mapping(), maxTokens,
                p.temperature() == null ? 0f : p.temperature(), p.patchEveryStep() != null && p.patchEveryStep(),
                p.seed() == null ? 0L : p.seed());
        return Patchscope.run(source, target, request);
    }

    public LayerSweep.Result sweep(SubjectModel model, Sweep s) {
        if (s.prompt() == null || s.prompt().isEmpty()) throw new lantern.errors.InvalidInputException("the prompt is required");
        Target t = target(s.preset(), s.targetPrompt(), s.targetPosition(), model);
        List<Integer> positions = s.positions();
        if (positions == null) {
            positions = new ArrayList<>();
            int n = model.tokenizer().encode(s.prompt(), true).length();
            for (int i = 0; i < n; i++) positions.add(i);
        }
        return LayerSweep.run(model, s.prompt(), positions, t.prompt(), t.position(), s.grid());
    }
}
