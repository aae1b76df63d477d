package lantern.subject.decoder;

/**
 * The shape of a decoder-only transformer, whichever file format it came from.
 *
 * @param family         "gpt2" (LayerNorm, learned positions, tanh GELU, biases) or "llama" (RMSNorm, RoPE, SwiGLU)
 * @param kvHeads        key/value heads (grouped-query attention when fewer than {@code heads})
 * @param ropeTheta      RoPE base (llama family)
 * @param ropeScaling    Llama 3.x frequency scaling, or null
 * @param tiedEmbeddings the LM head is the token embedding matrix
 * @param activation     the MLP non-linearity
 */
public record DecoderConfig(String family, int layers, int dModel, int heads, int kvHeads, int headDim, int dMlp,
                            int vocabSize, int contextLength, float normEps, double ropeTheta,
                            RopeScaling ropeScaling, boolean tiedEmbeddings, Activation activation) {

    public enum Activation { GELU_TANH, GELU_ERF, RELU, SWIGLU }

    /**
     * Llama 3.1-style ("llama3") or linear RoPE scaling.
     *
     * @param type "llama3" or "linear"
     */
    public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                              int originalContext) {
    }

    public DecoderConfig {
        if (!family.equals("gpt2") && !family.equals("llama")) {
            throw new IllegalArgumentException("unknown decoder family " + family);
        }
        require(layers > 0, "layers must be positive, got " + layers);
        require(dModel > 0, "d_model must be positive, got " + dModel);
        require(heads > 0 && kvHeads > 0, "heads and kv heads must be positive");
        require(heads % kvHeads == 0, heads + " attention heads cannot be grouped over " + kvHeads + " kv heads");
        require(headDim > 0 && headDim % 2 == 0, "head dim must be positive and even, got " + headDim);
        require(dMlp > 0, "MLP width must be positive, got " + dMlp);
        require(vocabSize > 0, "vocabulary size must be positive, got " + vocabSize);
        require(contextLength > 0, "context length must be positive, got " + contextLength);
        require(normEps > 0, "norm epsilon must be positive");
    }

    public boolean isGpt2() {
        return family.equals("gpt2");
    }

    public int qWidth() {
        return heads * headDim;
    }

    public int kvWidth() {
        return kvHeads * headDim;
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("bad model config: " + message);
    }
}
