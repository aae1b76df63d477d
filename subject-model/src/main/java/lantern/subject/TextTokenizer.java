package lantern.subject;

/** Text to token ids and back, with character spans for mapping tokens to corpus words. */
public interface TextTokenizer {
    /** Encodes without truncation; {@code addSpecialTokens} adds e.g. [CLS]/[SEP] for BERT. */
    Encoding encode(String text, boolean addSpecialTokens);

    String decode(long[] ids);

    /**
     * The display string of one token id; a token holding part of a UTF-8 character decodes to "�" here (text
     * windows rely on that to show the character from the text instead).
     */
    String token(long id);

    /**
     * One token shown on its own, in lists without text around it (vocabularies, top predictions): as
     * {@link #token}, except that bytes that are not whole UTF-8 show as {@code <0xE2>} instead of "�".
     */
    default String displayToken(long id) {
        return token(id);
    }
}
