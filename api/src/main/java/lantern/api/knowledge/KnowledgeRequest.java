package lantern.api.knowledge;

import lantern.errors.InvalidInputException;

import java.util.List;

/**
 * What to look for: prompts that express one fact, the token that completes them, and Dai et al.'s knobs.
 *
 * @param steps     Riemann steps of the integrated gradients (default 20)
 * @param threshold per prompt, neurons above {@code threshold × max attribution} are kept (default 0.3)
 * @param share     a neuron is a knowledge neuron when kept for more than {@code share × prompts} prompts
 *                  (default 0.5, in [0, 1))
 * @param seed      picks the random control neurons
 */
public record KnowledgeRequest(List<String> prompts, String target, int steps, double threshold, double share,
                               long seed) {
    public static final int MAX_PROMPTS = 20;
    public static final int MAX_STEPS = 200;

    public KnowledgeRequest {
        if (prompts == null || prompts.isEmpty()) throw new InvalidInputException("\"prompts\" must hold at least one prompt");
        if (prompts.size() > MAX_PROMPTS) {
            throw new InvalidInputException("at most " + MAX_PROMPTS + " prompts, got " + prompts.size());
        }
        for (String p : prompts) {
            if (p == null || p.isBlank()) throw new InvalidInputException("a prompt is empty");
        }
        prompts = List.copyOf(prompts);
        if (target == null || target.isEmpty()) throw new InvalidInputException("\"target\" is required");
        if (steps < 1 || steps > MAX_STEPS) throw new InvalidInputException("steps must be 1.." + MAX_STEPS + ", got " + steps);
        if (!(threshold > 0) || threshold > 1) {
            throw new InvalidInputException("threshold must be in (0, 1], got " + threshold);
        }
        if (!(share >= 0) || share >= 1) throw new InvalidInputException("share must be in [0, 1), got " + share);
    }

    public static KnowledgeRequest of(List<String> prompts, String target) {
        return new KnowledgeRequest(prompts, target, 20, 0.3, 0.5, 0);
    }
}
