package lantern.api.fv;

import java.util.List;

/**
 * A function vector extracted from a decoder and measured.
 *
 * @param aie            average indirect effect of every head, {@code [layer][head]}
 * @param heads          the top heads by AIE, whose mean outputs sum to the function vector
 * @param zeroShot       top-1 accuracy on held-out pairs, prompt {@code "Q: x\nA:"} alone
 * @param zeroShotWithFv the same prompts with the function vector added to resid_post of {@code layer}
 * @param fewShot        top-1 accuracy with {@code shots} demonstrations
 * @param vectorTokens   the tokens the function vector itself promotes (final norm + unembedding)
 */
public record FvResult(String model, String task, int pairs, int shots, int layer, int meanTrials, int aieTrials,
                       long seed, double[][] aie, List<Head> heads, double fvNorm, List<Token> vectorTokens,
                       double zeroShot, double zeroShotWithFv, double fewShot, List<Item> items, double seconds) {

    /** One head: layer, index, average indirect effect, and the norm of its mean output in residual space. */
    public record Head(int layer, int head, double aie, double outputNorm) {
    }

    public record Token(String token, long id, double prob) {
    }

    /** One held-out pair: the target's first token and the top token of each condition. */
    public record Item(String input, String output, String target, String zeroShot, String zeroShotWithFv,
                       String fewShot) {
    }
}
