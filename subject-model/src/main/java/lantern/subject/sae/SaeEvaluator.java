package lantern.subject.sae;

import lantern.api.sae.SaeMetrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import lantern.subject.Hooks;
import lantern.subject.EncoderModel;
import lantern.subject.decoder.DecoderModel;

import java.util.List;

/** Measures an SAE on held-out activations and, for an encoder, on sentence embeddings downstream. */
public final class SaeEvaluator {
    private static final int BATCH = 4096;

    private SaeEvaluator() {
    }

    public static SaeMetrics reconstruction(Sae sae, TokenActivations heldOut) {
        NDArray x = heldOut.data();
        long n = heldOut.tokens();
        int f = sae.config().dSae();
        double errSum = 0, sqSum = 0, active = 0;
        double[] sum = new double[heldOut.width()];
        long[] firedTokens = new long[f];
        for (long from = 0; from < n; from += BATCH) {
            try (NDManager m = x.getManager().newSubManager()) {
                NDArray xb = x.get(new NDIndex("{}:{}", from, Math.min(n, from + BATCH)));
                xb.attach(m);
                NDArray feats = sae.encode(xb);
                NDArray err = sae.decode(feats).sub(xb);
                errSum += err.square().sum().getFloat();
                sqSum += xb.square().sum().getFloat();
                float[] colSum = xb.sum(new int[]{0}).toFloatArray();
                for (int i = 0; i < colSum.length; i++) sum[i] += colSum[i];
                float[] fired = feats.gt(0f).toType(DataType.FLOAT32, false).sum(new int[]{0}).toFloatArray();
                for (int j = 0; j < f; j++) {
                    firedTokens[j] += (long) fired[j];
                    active += fired[j];
                }
            }
        }
        double meanSq = 0;
        for (double s : sum) meanSq += (s / n) * (s / n);
        double totalVar = sqSum - n * meanSq;
        int dead = 0;
        for (long c : firedTokens) if (c == 0) dead++;
        return new SaeMetrics(n, active / n, 1 - errSum / totalVar, dead, dead / (double) f, null, null);
    }

    /**
     * Mean cosine between clean sentence embeddings and embeddings with the hook replaced by the SAE reconstruction,
     * by zeros, and by {@code meanActivation} (the hook's mean over tokens).
     */
    public static SaeMetrics.Fidelity fidelity(EncoderModel model, Sae sae, List<String> texts, float[] meanActivation) {
        String hook = sae.config().hookName();
        double spliced = 0, zero = 0, mean = 0;
        int batch = 32;
        for (int from = 0; from < texts.size(); from += batch) {
            List<String> part = texts.subList(from, Math.min(texts.size(), from + batch));
            List<float[]> clean = model.embedBatch(part, Hooks.none());
            List<float[]> withSae = model.embedBatch(part, Hooks.none().replace(hook, sae::reconstruct));
            List<float[]> zeroed = model.embedBatch(part, Hooks.none().replace(hook, NDArray::zerosLike));
            List<float[]> meaned = model.embedBatch(part, Hooks.none().replace(hook,
                    a -> a.zerosLike().add(a.getManager().create(meanActivation))));
            for (int i = 0; i < part.size(); i++) {
                spliced += cosine(clean.get(i), withSae.get(i));
                zero += cosine(clean.get(i), zeroed.get(i));
                mean += cosine(clean.get(i), meaned.get(i));
            }
        }
        int n = texts.size();
        return new SaeMetrics.Fidelity(n, spliced / n, zero / n, mean / n);
    }

    /**
     * Next-token cross-entropy on {@code texts} (each after the model's BOS) clean and with the hook replaced by the
     * SAE reconstruction, by zeros and by {@code meanActivation}; see {@link SaeMetrics.NextToken}.
     */
    public static SaeMetrics.NextToken nextToken(DecoderModel model, Sae sae, List<String> texts, float[] meanActivation) {
        String hook = sae.config().hookName();
        double[] sums = new double[4];
        long predictions = 0;
        int used = 0;
        for (String text : texts) {
            long[] ids = model.frameText(text).ids();
            if (ids.length < 2 || ids.length > model.info().contextLength()) continue;
            used++;
            predictions += ids.length - 1;
            Hooks[] variants = {Hooks.none(), Hooks.none().replace(hook, sae::reconstruct),
                    Hooks.none().replace(hook, NDArray::zerosLike),
                    Hooks.none().replace(hook, a -> a.zerosLike().add(a.getManager().create(meanActivation)))};
            for (int v = 0; v < variants.length; v++) sums[v] += crossEntropySum(model, ids, variants[v]);
        }
        if (predictions == 0) throw new IllegalArgumentException("no text of at least two tokens to measure the next-token loss on");
        double clean = sums[0] / predictions, spliced = sums[1] / predictions, zero = sums[2] / predictions;
        double recovered = zero == clean ? Double.NaN : (zero - spliced) / (zero - clean);
        return new SaeMetrics.NextToken(used, predictions, clean, spliced, zero, sums[3] / predictions, recovered);
    }

    /** Σ −log p(ids[i+1] | ids[..i]) over one sequence. */
    static double crossEntropySum(DecoderModel model, long[] ids, Hooks hooks) {
        try (NDManager m = model.manager().newSubManager()) {
            NDArray out = model.run(m, new long[][]{ids}, new int[]{ids.length}, hooks).output();
            NDArray logp = model.logits(out.get(0)).logSoftmax(-1); // [T, V]
            float[] lp = logp.toFloatArray();
            int vocab = (int) logp.getShape().get(1);
            double s = 0;
            for (int i = 0; i + 1 < ids.length; i++) s -= lp[i * vocab + (int) ids[i + 1]];
            return s;
        }
    }

    public static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(Math.max(na * nb, 1e-30));
    }
}
