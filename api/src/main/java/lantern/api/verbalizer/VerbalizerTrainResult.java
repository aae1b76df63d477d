package lantern.api.verbalizer;

import java.nio.file.Path;

/**
 * A verbalizer trained (or found already trained: {@code alreadyTrained}, and then no numbers).
 *
 * @param seconds     seconds of training
 * @param firstLoss   the first steps' loss, nats/token
 * @param heldOutLoss the held-out loss at the end, nats/token
 */
public record VerbalizerTrainResult(String name, Path dir, boolean alreadyTrained, long steps, double seconds,
                                    double firstLoss, double heldOutLoss) {
}
