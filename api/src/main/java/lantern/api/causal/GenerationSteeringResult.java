package lantern.api.causal;

import lantern.api.generate.Sampling;
import lantern.api.lens.TokenProb;

import java.util.List;

/**
 * A decoder's prompt continued twice with the same sampling and seed, once clean and once with the interventions at
 * every position, side by side, with the next-token distribution right after the prompt in both cases.
 *
 * @param firstDifference index of the first generated token that differs (-1: the same continuation)
 * @param nextTokenKl     KL(clean ‖ steered) of the distribution of the first generated token, in nats
 */
public record GenerationSteeringResult(String model, String prompt, List<String> promptTokens, List<String> applied,
                                       Sampling sampling, Continuation clean, Continuation steered, int firstDifference,
                                       List<TokenProb> cleanNext, List<TokenProb> steeredNext, double nextTokenKl) {
}
