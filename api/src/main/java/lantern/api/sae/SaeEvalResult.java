package lantern.api.sae;

import java.nio.file.Path;

/** A saved SAE measured on held-out Brown: where it is, what it is ("topk k=32"), and its metrics. */
public record SaeEvalResult(Path dir, String architecture, int dSae, String hook, long heldOutTokens,
                            double collectSeconds, SaeMetrics metrics) {
}
