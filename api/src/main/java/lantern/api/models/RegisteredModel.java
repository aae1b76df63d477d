package lantern.api.models;

/**
 * A decoder registered by name ({@code lantern models add}), with the shape its files describe.
 *
 * @param tokenizer the tokenizer file given at registration, or null
 */
public record RegisteredModel(String name, String path, String tokenizer, String family, int layers, int dModel,
                              int heads, int kvHeads, int vocabSize, int contextLength, String registry) {
}
