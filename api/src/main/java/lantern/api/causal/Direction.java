package lantern.api.causal;

import lantern.errors.InvalidInputException;

import java.util.regex.Pattern;

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
        checkName(name);
        if (vector == null || vector.length == 0) throw new IllegalArgumentException("direction '" + name + "' has no vector");
        if (pool == null) pool = Pooling.MEAN.label();
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    /** A direction's name is also its file name: 1-100 letters, digits, '.', '_' or '-', not starting with a dot. */
    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidInputException("direction name must be 1-100 letters, digits, '.', '_' or '-': " + name);
        }
    }

    public static double norm(float[] v) {
        double s = 0;
        for (float x : v) s += x * x;
        return Math.sqrt(s);
    }
}
