package lantern.eval.sae;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import lantern.subject.sae.Sae;

import java.util.ArrayList;
import java.util.List;

/**
 * A Matryoshka SAE read level by level: for each nested width w, how well its first w latents recover the planted
 * features (MCC of the first w decoder rows against every true direction, Hungarian), how many of them fire per
 * token (the prefix's L0 on fresh samples), and how many true features per token the w most frequent planted
 * features make (the L0 a perfect prefix of w latents would have). A prefix asked to carry far more per token than
 * the features it could hold is pulled toward dense mixtures.
 */
public record PrefixRecovery(int width, double mcc, int matchedAbove09, double l0, double trueL0OfMostFrequent) {

    public static List<PrefixRecovery> measure(Sae sae, List<Integer> widths, float[][] truth, SyntheticFeatures.Sample sample,
                                               NDManager manager) {
        int f = sae.config().dSae(), d = sample.dim();
        float[][] dec = new float[f][];
        for (int j = 0; j < f; j++) dec[j] = sae.decoderDirection(j);
        // the planted features by how often they fire on the sample, most frequent first
        long[] count = new long[truth.length];
        for (int[] a : sample.active()) for (int i : a) count[i]++;
        Integer[] byFreq = new Integer[truth.length];
        for (int i = 0; i < byFreq.length; i++) byFreq[i] = i;
        java.util.Arrays.sort(byFreq, (a, b) -> Long.compare(count[b], count[a]));
        // latents firing per token, by latent index
        long[] fires = new long[f];
        int batch = 4096;
        for (int from = 0; from < sample.n(); from += batch) {
            int to = Math.min(sample.n(), from + batch);
            float[] acts;
            try (NDManager m = manager.newSubManager()) {
                acts = sae.encode(m.create(java.util.Arrays.copyOfRange(sample.x(), from * d, to * d), new Shape(to - from, d))).toFloatArray();
            }
            for (int s = 0; s < to - from; s++) for (int j = 0; j < f; j++) if (acts[s * f + j] > 0) fires[j]++;
        }
        List<PrefixRecovery> out = new ArrayList<>();
        for (int w : widths) {
            double[][] cos = FeatureRecovery.absCosines(java.util.Arrays.copyOf(dec, w), truth);
            int matched = 0;
            for (double c : FeatureRecovery.matchedCosines(cos)) if (c >= 0.9) matched++;
            long on = 0, trueOn = 0;
            for (int j = 0; j < w; j++) on += fires[j];
            for (int i = 0; i < Math.min(w, truth.length); i++) trueOn += count[byFreq[i]];
            out.add(new PrefixRecovery(w, FeatureRecovery.mcc(cos), matched, on / (double) sample.n(), trueOn / (double) sample.n()));
        }
        return out;
    }
}
