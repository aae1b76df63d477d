package lantern.api.heads;

import java.util.Comparator;
import java.util.List;

/**
 * Every head's scores on the repeated-token probe, with the loss change when it is ablated.
 *
 * @param model             the model id
 * @param layers            blocks
 * @param headsPerLayer     query heads per block
 * @param probe             what ran: the seed (null when the caller gave the tokens), tokens per copy, rows, the
 *                          frame's prefix length and the first row's random tokens
 * @param ablation          "zero", "mean" or "none"
 * @param firstHalfLoss     clean mean next-token loss (nats) on the first copy (its tokens after the first); null
 *                          for encoders
 * @param repeatedHalfLoss  clean mean next-token loss on the second copy (its tokens after the first); null for
 *                          encoders
 * @param heads             layer by layer, head by head
 */
public record HeadRolesResult(String model, int layers, int headsPerLayer, Probe probe, String ablation,
                              Double firstHalfLoss, Double repeatedHalfLoss, List<Head> heads) {

    public record Probe(Long seed, int length, int batch, int prefix, List<Long> tokens) {
    }

    /**
     * One head.
     *
     * @param ablatedLoss the repeated half's loss with this head ablated; null without ablation
     * @param lossChange  {@code ablatedLoss - repeatedHalfLoss}; null without ablation
     */
    public record Head(int layer, int head, double previousToken, double duplicateToken, double induction,
                       Double ablatedLoss, Double lossChange) {
        /** "L1H3", the name the tables and docs use. */
        public String name() {
            return "L" + layer + "H" + head;
        }
    }

    /** The {@code n} heads with the highest value of {@code score}, best first. */
    public List<Head> top(java.util.function.ToDoubleFunction<Head> score, int n) {
        return heads.stream().sorted(Comparator.comparingDouble(score).reversed()).limit(n).toList();
    }
}
