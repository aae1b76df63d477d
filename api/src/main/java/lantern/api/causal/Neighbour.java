package lantern.api.causal;

/** A candidate text and its cosine to a sentence embedding. */
public record Neighbour(String text, double cosine) {
}
