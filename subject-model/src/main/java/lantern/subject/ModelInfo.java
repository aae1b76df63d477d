package lantern.subject;

/**
 * What a subject model is, in the shape {@code GET /api/models} answers.
 *
 * @param family          "bert", "gpt2", "llama"
 * @param encoder         true for encoders (no LM head: no logit lens, no generation)
 * @param contextLength   the most tokens one sequence may hold
 */
public record ModelInfo(String id, String family, int layers, int dModel, int heads, int neuronsPerLayer,
                        int vocabSize, int contextLength, boolean encoder, String source) {
}
