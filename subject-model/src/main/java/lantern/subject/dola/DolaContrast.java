package lantern.subject.dola;

/**
 * DoLa's contrast for one position, in plain Java, as Hugging Face transformers' {@code _dola_select_contrast} and
 * {@code _relative_top_filter} compute it.
 *
 * <ol>
 *   <li>With several candidates, the premature layer is the one whose distribution is farthest from the final
 *       (mature) one by Jensen–Shannon divergence: {@code JS = ½ (KL(M‖final) + KL(M‖premature))} with
 *       {@code M = ½ (final + premature)}, each KL averaged over the vocabulary (transformers' {@code kl_div(...,
 *       reduction="none").mean(-1)}; the mean, not the sum, is what it compares). Ties go to the first
 *       candidate (argmax). One candidate is used as it is.</li>
 *   <li>Relative-top filter (0.1): both distributions become log-softmaxes; where the final log-probability is
 *       below {@code max + ln 0.1} (at least one token is always kept), the final one becomes −∞ and the premature
 *       one −0.001.</li>
 *   <li>The contrast is {@code log p_final − log p_premature}; filtered tokens stay −∞.</li>
 * </ol>
 */
public final class DolaContrast {
    public static final double RELATIVE_TOP = 0.1;
    public static final float BASE_FILTER_VALUE = -1e-3f;

    private DolaContrast() {
    }

    /**
     * The contrast of one step.
     *
     * @param premature the layer chosen
     * @param js        the Jensen–Shannon divergence of each candidate, in candidate order (one candidate: NaN, it
     *                  is not computed)
     * @param logits    the contrasted scores the next token is picked from (−∞ where filtered)
     */
    public record Step(int premature, double[] js, float[] logits) {
    }

    /**
     * @param candidates      the candidate layers
     * @param prematureLogits the LM head on each candidate's hidden state, in candidate order
     * @param finalLogits     the model's own logits
     */
    public static Step contrast(int[] candidates, float[][] prematureLogits, float[] finalLogits) {
        if (candidates.length != prematureLogits.length || candidates.length == 0) {
            throw new IllegalArgumentException("one premature logit row per candidate layer");
        }
        double[] js = new double[candidates.length];
        int best = 0;
        if (candidates.length == 1) {
            js[0] = Double.NaN;
        } else {
            double[] logFinal = logSoftmax(finalLogits);
            for (int c = 0; c < candidates.length; c++) {
                js[c] = jensenShannon(logFinal, logSoftmax(prematureLogits[c]));
                if (js[c] > js[best]) best = c;
            }
        }
        return new Step(candidates[best], js, filteredDifference(finalLogits, prematureLogits[best]));
    }

    /** log p_final − log p_premature after the relative-top filter. */
    public static float[] filteredDifference(float[] finalLogits, float[] prematureLogits) {
        double[] f = logSoftmax(finalLogits);
        double[] b = logSoftmax(prematureLogits);
        double max = Double.NEGATIVE_INFINITY;
        for (double v : f) max = Math.max(max, v);
        // transformers: min(sorted[min_tokens_to_keep - 1], max + log(relative_top)) with min_tokens_to_keep 1
        double thresh = Math.min(max, max + Math.log(RELATIVE_TOP));
        float[] out = new float[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i] < thresh ? Float.NEGATIVE_INFINITY : (float) (f[i] - b[i]);
        }
        return out;
    }

    /** ½ (mean KL(M‖P) + mean KL(M‖Q)), M = ½ (P + Q), from log-probabilities; terms with M = 0 count 0. */
    static double jensenShannon(double[] logP, double[] logQ) {
        double kl1 = 0;
        double kl2 = 0;
        for (int i = 0; i < logP.length; i++) {
            double m = 0.5 * (Math.exp(logP[i]) + Math.exp(logQ[i]));
            if (m <= 0) continue;
            double logM = Math.log(m);
            kl1 += m * (logM - logP[i]);
            kl2 += m * (logM - logQ[i]);
        }
        return 0.5 * (kl1 / logP.length + kl2 / logP.length);
    }

    static double[] logSoftmax(float[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) max = Math.max(max, v);
        double sum = 0;
        for (float v : x) sum += Math.exp(v - max);
        double log = max + Math.log(sum);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] - log;
        return out;
    }
}
