package lantern.subject.selfreport;

/**
 * What a verbalizer reads and writes, stored as {@code verbalizer.json} beside its HF folder.
 *
 * @param subject    the model whose states it reads (a registered name, e.g. {@code brown-llama}, {@code minilm-l6})
 * @param hook       the hook it reads
 * @param pool       how a state is read from a text ({@link Pool})
 * @param softTokens soft tokens per state
 * @param inputWidth the state's width
 * @param maxTokens  the longest text it was trained to write (decoder tokens)
 */
public record VerbalizerSpec(String subject, String hook, String pool, int softTokens, int inputWidth,
                             int maxTokens) {
    public Pool poolMode() {
        return Pool.parse(pool);
    }
}
