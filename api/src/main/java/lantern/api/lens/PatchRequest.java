package lantern.api.lens;

/**
 * One Patchscope as a caller gives it; nulls take the defaults: the source model as target model, preset identity
 * unless a target prompt is given (then free-form), the preset's prompt, its placeholder's position (free-form: the
 * last token), the source layer as target layer, identity mapping, 20 tokens, greedy.
 */
public record PatchRequest(String model, String targetModel, String preset, String sourcePrompt, Integer sourceLayer,
                           Integer sourcePosition, String targetPrompt, Integer targetLayer, Integer targetPosition,
                           AffineMapping mapping, Integer maxTokens, Float temperature, Boolean patchEveryStep,
                           Long seed) {
}
