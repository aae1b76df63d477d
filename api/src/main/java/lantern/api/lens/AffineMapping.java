package lantern.api.lens;

/** How a Patchscope carries a source state into a target of another width: {@code W h + b}, W [target][source]. */
public record AffineMapping(float[][] weight, float[] bias) {
}
