package lantern.eval.score;

import lantern.explainer.explain.Correlation;

/** Pearson correlation, NaN-safe (see {@link Correlation}): the simulation score's statistic. */
public final class Pearson {
    private Pearson() {
    }

    public static double of(double[] x, double[] y) {
        return Correlation.pearson(x, y);
    }
}
