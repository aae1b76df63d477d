package lantern.subject.selfreport;

import lantern.errors.InvalidInputException;

import java.util.Locale;

/**
 * How one state is read from a text's activations at a hook: {@code LAST}, the last token of BOS + text (a decoder's
 * state at a position is the state at the last token of the text up to it); {@code MEAN}, the mean over every token
 * (special tokens included, as sentence-transformers pools); {@code EMBEDDING}, that mean L2-normalized (MiniLM's
 * sentence embedding when read at {@code ln_final.hook_normalized}).
 */
public enum Pool {
    LAST, MEAN, EMBEDDING;

    public static Pool parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("unknown pool '" + s + "' (last, mean, embedding)");
        }
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The pooling a model's states are read with unless told otherwise: last token for decoders, mean for encoders. */
    public static Pool defaultFor(boolean decoder) {
        return decoder ? LAST : MEAN;
    }
}
