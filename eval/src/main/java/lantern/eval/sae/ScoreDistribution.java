package lantern.eval.sae;

import java.util.Arrays;

/** Summary of a list of scores (nulls/NaNs left out and counted). */
public record ScoreDistribution(int n, int undefined, double mean, double median, double fractionAbove05,
                                double fractionAbove08) {
    public static ScoreDistribution of(double[] scores) {
        double[] ok = Arrays.stream(scores).filter(d -> !Double.isNaN(d)).sorted().toArray();
        int n = ok.length;
        if (n == 0) return new ScoreDistribution(0, scores.length, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        double mean = Arrays.stream(ok).average().orElse(Double.NaN);
        double median = n % 2 == 1 ? ok[n / 2] : (ok[n / 2 - 1] + ok[n / 2]) / 2;
        double a5 = Arrays.stream(ok).filter(d -> d > 0.5).count() / (double) n;
        double a8 = Arrays.stream(ok).filter(d -> d > 0.8).count() / (double) n;
        return new ScoreDistribution(n, scores.length - n, mean, median, a5, a8);
    }
}
