package lantern.subject.lens;

import lantern.errors.InvalidInputException;

/**
 * Read a hidden state in the source (resid_post at layer, position), write it into the target's resid_post at
 * (layer, position) during the target prompt's pass, and let the target generate.
 *
 * @param patchEveryStep re-run the whole sequence with the patch at every step instead of patching once and
 *                       continuing with the KV cache (under causal attention both give the same tokens: this is
 *                       the cross-check, at the cost of speed)
 */
public record PatchscopeRequest(String sourcePrompt, int sourceLayer, int sourcePosition, String targetPrompt,
                                int targetLayer, int targetPosition, StateMapping mapping, int maxTokens,
                                float temperature, boolean patchEveryStep, long seed) {
    public PatchscopeRequest {
        if (sourcePrompt == null || sourcePrompt.isEmpty()) throw new InvalidInputException("source prompt is empty");
        if (targetPrompt == null || targetPrompt.isEmpty()) throw new InvalidInputException("target prompt is empty");
        if (mapping == null) mapping = new StateMapping.Identity();
    }
}
