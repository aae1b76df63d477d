package lantern.api.sae;

/**
 * How well an SAE does on held-out tokens.
 *
 * @param tokens              held-out tokens measured
 * @param l0                  mean number of active features per token
 * @param explainedVariance   1 − FVU = 1 − Σ‖x − x̂‖² / Σ‖x − x̄‖²
 * @param deadFeatures        features that never fired on the held-out tokens
 * @param fidelity            downstream sentence-embedding fidelity, encoders (null when not measured)
 * @param nextToken           downstream next-token loss with the SAE spliced in, decoders (null when not measured)
 */
public record SaeMetrics(long tokens, double l0, double explainedVariance, int deadFeatures, double deadFraction,
                         Fidelity fidelity, NextToken nextToken) {
    /**
     * Mean cosine between the clean sentence embedding and the embedding with the hook's activation replaced by:
     * the SAE reconstruction ({@code spliced}), zeros, or the mean activation; over {@code texts} held-out texts.
     */
    public record Fidelity(int texts, double spliced, double zeroAblated, double meanAblated) {
    }

    /**
     * Mean cross-entropy (nats) of the tokens that actually follow, clean and with the hook's activation replaced by
     * the SAE reconstruction, zeros or the mean activation, over {@code tokens} predictions in {@code texts} texts;
     * {@code lossRecovered} = (zero − spliced) / (zero − clean), SAELens' "CE loss score" (1: the SAE loses nothing).
     */
    public record NextToken(int texts, long tokens, double clean, double spliced, double zeroAblated, double meanAblated,
                            double lossRecovered) {
    }

    public SaeMetrics withFidelity(Fidelity f) {
        return new SaeMetrics(tokens, l0, explainedVariance, deadFeatures, deadFraction, f, nextToken);
    }

    public SaeMetrics withNextToken(NextToken n) {
        return new SaeMetrics(tokens, l0, explainedVariance, deadFeatures, deadFraction, fidelity, n);
    }

    public String summary() {
        String s = String.format(java.util.Locale.ROOT, "held-out tokens %d: explained variance %.4f, L0 %.2f, dead %d (%.2f%%)",
                tokens, explainedVariance, l0, deadFeatures, 100 * deadFraction);
        if (fidelity != null) {
            s += String.format(java.util.Locale.ROOT,
                    "; embedding cosine over %d texts: SAE spliced %.4f, zero-ablated %.4f, mean-ablated %.4f",
                    fidelity.texts(), fidelity.spliced(), fidelity.zeroAblated(), fidelity.meanAblated());
        }
        if (nextToken != null) {
            s += String.format(java.util.Locale.ROOT,
                    "; next-token loss over %d tokens: clean %.4f, SAE spliced %.4f, zero-ablated %.4f, mean-ablated %.4f"
                            + " (loss recovered %.3f)",
                    nextToken.tokens(), nextToken.clean(), nextToken.spliced(), nextToken.zeroAblated(),
                    nextToken.meanAblated(), nextToken.lossRecovered());
        }
        return s;
    }
}
