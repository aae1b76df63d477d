package lantern.api.lens;

/**
 * A logit lens at one position of a prompt. {@code position} counts from the end when negative (default -1);
 * {@code k} defaults to 5.
 */
public record LensRequest(String model, String prompt, Integer position, Integer k) {
}
