package lantern.subject;

/** A local model whose activations we read and change through named hooks. */
public interface SubjectModel extends AutoCloseable {
    ModelInfo info();

    TextTokenizer tokenizer();

    /**
     * What this model can do beyond a hooked forward pass, asked instead of {@code instanceof}: its language-model
     * head (logits through the final norm and unembedding, generation with a KV cache), present on every decoder
     * (GPT-2, the Llama family, llama2.c: all load into {@link lantern.subject.decoder.DecoderModel}), absent on encoders.
     */
    default java.util.Optional<lantern.subject.decoder.DecoderModel> languageModel() {
        return java.util.Optional.empty();
    }

    /** Its sentence embedder (MiniLM, bge-small-zh: pooled and normalized as their artifacts do), when it has one. */
    default java.util.Optional<EncoderModel> sentenceEmbedder() {
        return java.util.Optional.empty();
    }

    /** The LM head, or a 400 saying this model is an encoder and cannot do {@code what}. */
    default lantern.subject.decoder.DecoderModel requireLanguageModel(String what) {
        return languageModel().orElseThrow(() -> new lantern.errors.InvalidInputException(
                "model " + info().id() + " is an encoder: no LM head, no " + what));
    }

    @Override
    void close();
}
