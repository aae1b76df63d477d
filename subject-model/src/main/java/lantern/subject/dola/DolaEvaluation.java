package lantern.subject.dola;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import lantern.subject.HookNames;
import lantern.subject.HookPass;
import lantern.subject.Hooks;
import lantern.subject.decoder.DecoderModel;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Measures DoLa on text: the perplexity of its contrastive distribution (softmax of the contrasted scores, which
 * is zero for every token the relative-top filter removes) next to the model's own, teacher-forced over
 * non-overlapping windows; and how repetitive continuations are.
 */
public final class DolaEvaluation {
    private DolaEvaluation() {
    }

    /**
     * @param tokens        targets scored
     * @param plainNll      summed −log p of the model's own distribution (nats), over every target
     * @param filtered      targets DoLa's filter removed (probability 0: its perplexity over all targets is infinite)
     * @param keptPlainNll  summed −log p_plain over the targets DoLa kept
     * @param keptDolaNll   summed −log p_DoLa over the same targets
     * @param premature     how often each candidate layer was chosen (candidate order)
     */
    public record Perplexity(long tokens, double plainNll, long filtered, double keptPlainNll, double keptDolaNll,
                             int[] candidates, long[] premature) {
        public double plainPerplexity() {
            return Math.exp(plainNll / tokens);
        }

        public double filteredFraction() {
            return filtered / (double) tokens;
        }

        public double keptPlainPerplexity() {
            return Math.exp(keptPlainNll / (tokens - filtered));
        }

        public double keptDolaPerplexity() {
            return Math.exp(keptDolaNll / (tokens - filtered));
        }
    }

    /** Teacher-forced over windows of {@code ctx + 1} tokens of {@code stream} (up to {@code maxTokens} targets). */
    public static Perplexity perplexity(DecoderModel model, int[] stream, int ctx, long maxTokens, int[] candidates,
                                        java.util.function.LongConsumer progress) {
        long tokens = 0;
        long filtered = 0;
        double plain = 0;
        double keptPlain = 0;
        double keptDola = 0;
        long[] chosen = new long[candidates.length];
        for (int start = 0; start + 1 < stream.length && tokens < maxTokens; start += ctx) {
            int len = Math.min(ctx + 1, stream.length - start);
            long[] row = new long[len - 1];
            for (int i = 0; i < len - 1; i++) row[i] = stream[start + i];
            float[][] mature;
            float[][][] premature;
            try (NDManager m = model.manager().newSubManager()) {
                Hooks hooks = Hooks.none();
                for (int c : candidates) hooks.cache(HookNames.residPre(c));
                HookPass pass = hooks.start();
                NDArray normalized = model.forward(m, new long[][]{row}, null, pass);
                mature = rows(model.logits(normalized.get(new NDIndex("0"))));
                premature = new float[candidates.length][][];
                for (int c = 0; c < candidates.length; c++) {
                    premature[c] = rows(model.logits(pass.get(HookNames.residPre(candidates[c])).get(new NDIndex("0"))));
                }
            }
            for (int pos = 0; pos < row.length && tokens < maxTokens; pos++) {
                int target = stream[start + pos + 1];
                float[][] pre = new float[candidates.length][];
                for (int c = 0; c < candidates.length; c++) pre[c] = premature[c][pos];
                DolaContrast.Step s = DolaContrast.contrast(candidates, pre, mature[pos]);
                for (int c = 0; c < candidates.length; c++) if (candidates[c] == s.premature()) chosen[c]++;
                double lp = logProb(mature[pos], target);
                plain -= lp;
                tokens++;
                if (s.logits()[target] == Float.NEGATIVE_INFINITY) {
                    filtered++;
                } else {
                    keptPlain -= lp;
                    keptDola -= logProb(s.logits(), target);
                }
            }
            if (progress != null) progress.accept(tokens);
        }
        return new Perplexity(tokens, plain, filtered, keptPlain, keptDola, candidates.clone(), chosen);
    }

    /** log softmax(scores)[target]; −∞ scores count as probability 0. */
    static double logProb(float[] scores, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : scores) max = Math.max(max, v);
        double z = 0;
        for (float v : scores) z += Math.exp(v - max);
        return scores[target] - max - Math.log(z);
    }

    private static float[][] rows(NDArray x) {
        int t = (int) x.getShape().get(0);
        int v = (int) x.getShape().get(1);
        float[] flat = x.toFloatArray();
        float[][] out = new float[t][];
        for (int i = 0; i < t; i++) out[i] = java.util.Arrays.copyOfRange(flat, i * v, (i + 1) * v);
        return out;
    }

    /** 1 − distinct n-grams / n-grams of a continuation (Welleck et al. 2019's seq-rep-n); 0 when too short. */
    public static double seqRep(long[] ids, int n) {
        int total = ids.length - n + 1;
        if (total <= 0) return 0;
        Set<List<Long>> seen = new HashSet<>();
        for (int i = 0; i < total; i++) {
            Long[] g = new Long[n];
            for (int j = 0; j < n; j++) g[j] = ids[i + j];
            seen.add(List.of(g));
        }
        return 1 - seen.size() / (double) total;
    }
}
