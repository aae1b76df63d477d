package lantern.api.lens;

/** One candidate next token and its probability. */
public record TokenProb(String token, long id, double prob) {
}
