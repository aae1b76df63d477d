package lantern.eval.causal;

/**
 * A named direction in one hook's activation space (a steering or "refusal" vector).
 *
 * @param positives  texts the positive mean was taken over (0 for a vector given directly)
 * @param pool       how each text's activations were reduced to one vector: "mean" over its tokens or its "last"
 *                   token (see {@link Pooling})
 */
public record Direction(String name, String model, String hook, float[] vector, double norm, int positives,
                        int negatives, String pool) {
    public Direction {
        DirectionStore.checkName(name);
        if (vector == null || vector.length == 0) throw new IllegalArgumentException("direction '" + name + "' has no vector");
        if (pool == null) pool = Pooling.MEAN.label();
    }

    public static double norm(float[] v) {
        double s = 0;
        for (float x : v) s += x * x;
        return Math.sqrt(s);
    }
}
