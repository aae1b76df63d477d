package lantern.api.causal;

import java.util.Locale;

/** How a text's activations at a hook become one vector when a direction is made from examples. */
public enum Pooling {
    /** The mean over the text's tokens (for decoders, BOS left out: it carries no text). */
    MEAN,
    /** The text's last token (what a decoder has read all of the text at: the usual choice for steering). */
    LAST;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** "mean" or "last"; null gives {@code dflt}. */
    public static Pooling parse(String s, Pooling dflt) {
        if (s == null || s.isBlank()) return dflt;
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "mean", "all" -> MEAN;
            case "last" -> LAST;
            default -> throw new lantern.errors.InvalidInputException("pool must be 'mean' (over all tokens) or 'last' (last token), got '" + s + "'");
        };
    }
}
