package lantern.api;

import java.util.Arrays;
import java.util.List;

/**
 * A window of tokens with one feature's activation at each, as in OpenAI's neuron-explainer. {@code tags} holds
 * the corpus part-of-speech family of the word each token belongs to ("NNS", "VBD"; null where unknown or for a
 * corpus without tags) and {@code wordStart} whether the token begins a word; both may be null as a whole.
 */
public record ActivationRecord(List<String> tokens, float[] activations, List<String> tags, boolean[] wordStart) {
    public ActivationRecord {
        tokens = List.copyOf(tokens);
        if (activations.length != tokens.size()) {
            throw new IllegalArgumentException("tokens and activations differ in length: " + tokens.size() + " vs " + activations.length);
        }
        if (tags != null && tags.size() != tokens.size()) throw new IllegalArgumentException("tags differ in length");
        if (wordStart != null && wordStart.length != tokens.size()) throw new IllegalArgumentException("wordStart differs in length");
        tags = tags == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(tags));
    }

    public ActivationRecord(List<String> tokens, float[] activations) {
        this(tokens, activations, null, null);
    }

    public float max() {
        float m = Float.NEGATIVE_INFINITY;
        for (float a : activations) m = Math.max(m, a);
        return m;
    }

    public int argMax() {
        int best = 0;
        for (int i = 1; i < activations.length; i++) if (activations[i] > activations[best]) best = i;
        return best;
    }

    public int size() {
        return tokens.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ActivationRecord r && tokens.equals(r.tokens) && Arrays.equals(activations, r.activations)
                && java.util.Objects.equals(tags, r.tags) && Arrays.equals(wordStart, r.wordStart);
    }

    @Override
    public int hashCode() {
        return tokens.hashCode() * 31 + Arrays.hashCode(activations);
    }

    @Override
    public String toString() {
        return "ActivationRecord" + tokens + Arrays.toString(activations);
    }
}
