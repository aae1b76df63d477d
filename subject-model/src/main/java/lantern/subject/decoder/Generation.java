package lantern.subject.decoder;

/**
 * A continuation: the generated ids (prompt excluded), their decoded text, and the logits of the first generated
 * position (what Patchscopes reports as the first token's top-k).
 */
public record Generation(long[] promptIds, long[] generatedIds, String text, float[] firstLogits) {
}
