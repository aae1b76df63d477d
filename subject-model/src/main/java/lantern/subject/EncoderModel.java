package lantern.subject;

import java.util.List;

/**
 * A hooked encoder that is also a sentence embedder (MiniLM): the causal check and steering on encoders measure how
 * a sentence embedding moves under an intervention.
 */
public interface EncoderModel extends HookedModel, SentenceEmbedder {
    /** The id of the embedded all-MiniLM-L6-v2. */
    String MINILM_ID = "minilm-l6";

    /** Token ids of a text with its special tokens, checked against the context length. */
    Encoding encode(String text);

    /** Sentence embeddings of one batch with {@code hooks} applied. */
    List<float[]> embedBatch(List<String> texts, Hooks hooks);

    /**
     * Row {@code neuron} of layer {@code layer}'s MLP output weights (W_out, [d_mlp, d_model]): what one unit of the
     * neuron's activation ({@code mlp.hook_post}) adds to {@code hook_mlp_out}. An index out of range is an
     * {@link lantern.errors.InvalidInputException}.
     */
    float[] mlpOutputRow(int layer, int neuron);
}
