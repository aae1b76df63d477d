package lantern.subject;

/** Text to token ids and back, with character spans for mapping tokens to corpus words. */
public interface TextTokenizer {
    /** Encodes without truncation; {@code addSpecialTokens} adds e.g. [CLS]/[SEP] for BERT. */
    Encoding encode(String text, boolean addSpecialTokens);

    String decode(long[] ids);

    /** The display string of one token id. */
    String token(long id);
}
