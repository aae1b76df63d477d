package lantern.subject.dola;

import lantern.errors.InvalidInputException;

import java.util.ArrayList;
import java.util.List;

/**
 * The candidate premature layers of DoLa, chosen as Hugging Face transformers' {@code _dola_decoding} chooses them.
 * Layer {@code i} means the hidden state {@code hidden_states[i]}: the input of block {@code i}
 * ({@code blocks.i.hook_resid_pre}; 0 is the embedding output), so candidates are 0..N-1 for an N-layer model.
 *
 * <ul>
 *   <li>Tied word embeddings skip the lowest layers (an early exit from the embeddings reads a token's own
 *       embedding back and is nearly the identity): the start is 2 when N &gt; 2, 1 when N = 2, else 0. Untied
 *       models start at 0.</li>
 *   <li>{@code "low"}: {@code range(start, N // 2, 2)} for N &le; 40, else {@code range(start, 20, 2)}; just
 *       {@code [start]} when start equals N // 2.</li>
 *   <li>{@code "high"}: {@code range(N // 2, N, 2)} for N &le; 40, else {@code range(N - 20, N, 2)} (no start
 *       rule).</li>
 *   <li>A list: its layers below N, in the order given (transformers drops the rest silently; we refuse negative
 *       ones and an empty result, which transformers would fail on).</li>
 * </ul>
 */
public final class DolaLayers {
    private DolaLayers() {
    }

    /** The first layer "low" may use. */
    public static int startLayer(int layers, boolean tiedEmbeddings) {
        if (!tiedEmbeddings) return 0;
        if (layers > 2) return 2;
        if (layers == 2) return 1;
        return 0;
    }

    /**
     * @param spec "high", "low" or comma-separated layer indices ("0,2,4")
     * @return the candidate premature layers, never empty
     */
    public static int[] candidates(String spec, int layers, boolean tiedEmbeddings) {
        if (spec == null || spec.isBlank()) {
            throw new InvalidInputException("dola must be \"high\", \"low\" or a comma-separated list of layers");
        }
        String s = spec.trim();
        List<Integer> out = new ArrayList<>();
        int start = startLayer(layers, tiedEmbeddings);
        if (s.equals("low")) {
            if (start == layers / 2) {
                out.add(start);
            } else {
                int end = layers <= 40 ? layers / 2 : 20;
                for (int l = start; l < end; l += 2) out.add(l);
            }
        } else if (s.equals("high")) {
            for (int l = layers <= 40 ? layers / 2 : layers - 20; l < layers; l += 2) out.add(l);
        } else {
            for (String part : s.split(",")) {
                int l;
                try {
                    l = Integer.parseInt(part.trim());
                } catch (NumberFormatException e) {
                    throw new InvalidInputException("dola must be \"high\", \"low\" or a comma-separated list of "
                            + "layers; '" + part.trim() + "' is not a layer index");
                }
                if (l < 0) throw new InvalidInputException("dola layer " + l + " is negative");
                if (l < layers) out.add(l);
            }
        }
        if (out.isEmpty()) {
            throw new InvalidInputException("dola '" + s + "' leaves no candidate premature layer below the "
                    + layers + " layers of this model (layers 0.." + (layers - 1) + " are allowed)");
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
