package lantern.api.vocab;

import java.util.List;

/**
 * The tokens a direction (a neuron's output row, an SAE's or transcoder's decoder row) raises most and lowers most
 * through the final norm and the unembedding.
 *
 * @param promoted   highest logits first
 * @param suppressed lowest logits first
 */
public record VocabEffect(List<TokenLogit> promoted, List<TokenLogit> suppressed) {
}
