package lantern.eval.selfreport;

import lantern.subject.HookedModel;
import lantern.subject.selfreport.Pool;
import lantern.subject.selfreport.StateReader;

import java.util.ArrayList;
import java.util.List;

/**
 * The round-trip score of a self-report, which needs no labels: the subject model itself re-encodes the reported
 * text and the same hook is read the same way ({@link StateReader}); the closer that state comes back to the one
 * described, the more of it the words keep.
 *
 * <p>Over a set: FVE = 1 − Σ‖a − a′‖² / Σ‖a − ā‖² (ā: the mean state of the set; 1 when every state comes back
 * exactly, 0 when the round trip is no better than the mean, below 0 when worse), the mean cosine of a and a′, and the
 * mean token F1 of the reported text against the true text.
 */
public final class RoundTrip {
    private RoundTrip() {
    }

    /** One item: the state, its round trip, their cosine and squared distance, and the texts' F1. */
    public record Item(String text, String reported, double cosine, double squaredError, double tokenF1) {
    }

    /** A set's score: {@code fve} is NaN for fewer than two items (no spread to explain). */
    public record Score(int n, double fve, double meanCosine, double meanTokenF1, List<Item> items) {
    }

    /**
     * Scores reported texts against the states they describe.
     *
     * @param states    the states (read with {@code hook} and {@code pool} from the true texts, or given)
     * @param reported  what the self-report says of each state
     * @param trueTexts the texts the states came from (for token F1; may be null)
     */
    public static Score score(HookedModel subject, String hook, Pool pool, List<float[]> states,
                              List<String> reported, List<String> trueTexts) {
        if (states.size() != reported.size()) throw new IllegalArgumentException("one reported text per state");
        List<String> safe = new ArrayList<>();
        for (String r : reported) safe.add(r == null ? "" : r);
        float[][] back = StateReader.read(subject, hook, pool, safe);
        return score(states, List.of(back), safe, trueTexts);
    }

    /** The score from states and their round trips, already read. */
    public static Score score(List<float[]> states, List<float[]> back, List<String> reported, List<String> trueTexts) {
        int n = states.size();
        int w = n == 0 ? 0 : states.get(0).length;
        double[] mean = new double[w];
        for (float[] a : states) for (int k = 0; k < w; k++) mean[k] += a[k] / (double) n;
        double sse = 0, sst = 0, cos = 0, f1 = 0;
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] a = states.get(i);
            float[] b = back.get(i);
            if (a.length != w || b.length != w) throw new IllegalArgumentException("states differ in width");
            double e = 0, t = 0, dot = 0, na = 0, nb = 0;
            for (int k = 0; k < w; k++) {
                double d = a[k] - b[k];
                e += d * d;
                double c = a[k] - mean[k];
                t += c * c;
                dot += (double) a[k] * b[k];
                na += (double) a[k] * a[k];
                nb += (double) b[k] * b[k];
            }
            double c = na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
            String truth = trueTexts == null ? null : trueTexts.get(i);
            double f = truth == null ? Double.NaN : TokenF1.f1(reported.get(i), truth);
            sse += e;
            sst += t;
            cos += c;
            f1 += Double.isNaN(f) ? 0 : f;
            items.add(new Item(truth, reported.get(i), c, e, f));
        }
        double fve = n < 2 || sst == 0 ? Double.NaN : 1 - sse / sst;
        return new Score(n, fve, n == 0 ? Double.NaN : cos / n,
                trueTexts == null || n == 0 ? Double.NaN : f1 / n, items);
    }
}
