package lantern.api.generate;

import java.util.List;

/**
 * A generation, plain or DoLa: the text and, per generated token, its id, its text and (with DoLa) the premature
 * layer the step contrasted against, with each candidate's Jensen–Shannon divergence from the final layer.
 *
 * @param dola       the layers asked for ("high", "low", "0,2"), or null for plain decoding
 * @param candidates the candidate premature layers (empty without DoLa)
 */
public record GenerationResult(String model, String prompt, String dola, int[] candidates, float repetitionPenalty,
                               String text, List<Token> tokens) {
    /**
     * @param premature the premature layer of this step, or null without DoLa
     * @param js        JS divergence per candidate (null without DoLa or with a single candidate)
     */
    public record Token(long id, String token, Integer premature, double[] js) {
    }
}
