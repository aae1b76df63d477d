package lantern.api.vocab;

/** One token and its logit contribution. */
public record TokenLogit(String token, float logit) {
}
