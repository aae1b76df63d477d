package lantern.eval.causal;

import lantern.api.causal.CausalScore;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import lantern.api.FeatureId;
import lantern.api.FeatureRecords;
import lantern.explainer.explain.WindowText;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.Interventions;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.sae.SaeStore;
import lantern.subject.transcoder.FeatureDictionaries;
import lantern.subject.transcoder.TranscoderFeatures;

import java.util.List;

/**
 * The causal check on a decoder: ablate the feature (zero a neuron; clamp an SAE feature to 0 with the SAE's error
 * term kept; take a transcoder feature's decoder row times its activation off the MLP output) and measure how the next-token distribution changes: the KL divergence KL(clean ‖ ablated) averaged
 * over a text's positions is the effect, and the drop in log-probability of the tokens that actually follow is
 * reported beside it. Top windows (strongest first) against random windows, {@link CausalScorer#TEXTS} of each at
 * most; the same selectivity as MiniLM's ({@link CausalScore#selectivity}).
 */
public final class DecoderCausalScorer {
    private final DecoderModel model;
    private final FeatureDictionaries dictionaries;

    public DecoderCausalScorer(DecoderModel model, SaeStore saes) {
        this(new FeatureDictionaries(() -> saes, () -> {
            throw new IllegalArgumentException("no transcoders given to this causal check");
        }), model);
    }

    private DecoderCausalScorer(FeatureDictionaries dictionaries, DecoderModel model) {
        this.model = model;
        this.dictionaries = dictionaries;
    }

    /** SAE features and transcoder features ({@code tc-NAME}: the MLP output less the feature's decoder row). */
    public static DecoderCausalScorer of(DecoderModel model, FeatureDictionaries dictionaries) {
        return new DecoderCausalScorer(dictionaries, model);
    }

    /** Effects of one text under an intervention. */
    public record Effect(double kl, double logProbDrop) {
    }

    public CausalScore ablationScore(FeatureRecords records) {
        List<String> top = records.top().stream().limit(CausalScorer.TEXTS).map(WindowText::of).toList();
        List<String> random = records.random().stream().limit(CausalScorer.TEXTS).map(WindowText::of).toList();
        return ablationScore(records.id(), top, random);
    }

    public CausalScore ablationScore(FeatureId id, List<String> topTexts, List<String> randomTexts) {
        if (topTexts.isEmpty() || randomTexts.isEmpty()) throw new IllegalArgumentException("need top and random texts");
        if (!id.model().equals(model.info().id())) {
            throw new IllegalArgumentException("feature " + id + " belongs to model " + id.model() + ", not " + model.info().id());
        }
        model.requireLayer(id.layer());
        Hooks ablate;
        String what;
        if (id.isNeuron()) {
            if (id.index() >= model.config().dMlp()) {
                throw new IllegalArgumentException("neuron " + id.index() + " out of range (" + model.config().dMlp() + " per layer)");
            }
            ablate = Hooks.none().replace(HookNames.mlpPost(id.layer()), Interventions.zeroAblate(id.index()));
            what = "zero-ablate " + id;
        } else {
            ablate = dictionaries.ablation(id.model(), id.layer(), id.kind(), id.index());
            what = TranscoderFeatures.isKind(id.kind()) ? "ablate " + id + ": " + FeatureDictionaries.ablationText(id.kind())
                    : "clamp " + id + " to 0 (error term kept)";
        }
        Effect[] top = effects(ablate, topTexts);
        Effect[] rnd = effects(ablate, randomTexts);
        double mt = mean(top, true), mr = mean(rnd, true);
        String description = String.format(java.util.Locale.ROOT,
                "%s; next-token KL top %.5f vs random %.5f; log-prob drop of the actual next tokens top %.5f vs random %.5f",
                what, mt, mr, mean(top, false), mean(rnd, false));
        return new CausalScore(id.toString(), description, mt, mr, mr > 0 ? mt / mr : Double.POSITIVE_INFINITY,
                CausalScore.selectivity(mt, mr), std(top, mt), std(rnd, mr), top.length, rnd.length);
    }

    /** Each text read after the model's BOS, clean and under {@code intervention}; batched, right-padded. */
    public Effect[] effects(Hooks intervention, List<String> texts) {
        Effect[] out = new Effect[texts.size()];
        for (int from = 0; from < texts.size(); from += BATCH) {
            int to = Math.min(texts.size(), from + BATCH);
            long[][] rows = new long[to - from][];
            for (int i = from; i < to; i++) rows[i - from] = ids(texts.get(i));
            Effect[] part = effects(intervention, rows);
            System.arraycopy(part, 0, out, from, part.length);
        }
        return out;
    }

    private static final int BATCH = 16;

    /** A window's text in the model's frame, cut to the context (a window is far shorter than any context). */
    long[] ids(String text) {
        long[] ids = model.frameText(text).ids();
        return ids.length <= model.config().contextLength() ? ids : java.util.Arrays.copyOf(ids, model.config().contextLength());
    }

    /**
     * Per row: KL(clean ‖ ablated) of the next-token distribution averaged over its positions, and the mean drop in
     * log-probability of the token that actually follows. Only [B, T] numbers leave the native side.
     */
    Effect[] effects(Hooks intervention, long[][] rows) {
        int b = rows.length;
        int t = 1;
        for (long[] r : rows) t = Math.max(t, r.length);
        long[][] ids = new long[b][t];
        long[] next = new long[b * t];
        int[] lengths = new int[b];
        for (int i = 0; i < b; i++) {
            System.arraycopy(rows[i], 0, ids[i], 0, rows[i].length);
            lengths[i] = rows[i].length;
            for (int j = 0; j + 1 < rows[i].length; j++) next[i * t + j] = rows[i][j + 1];
        }
        try (NDManager m = model.manager().newSubManager()) {
            NDArray clean = logProbs(model.run(m, ids, lengths, Hooks.none()).output());
            NDArray changed = logProbs(model.run(m, ids, lengths, intervention).output());
            NDArray diff = clean.sub(changed);                                     // [B, T, V]
            float[] kl = clean.exp().mul(diff).sum(new int[]{-1}).toFloatArray();  // [B, T]
            NDArray nextIdx = m.create(next, new Shape(b, t, 1));
            float[] drop = diff.gather(nextIdx, 2).toFloatArray();                 // [B, T, 1]
            Effect[] out = new Effect[b];
            for (int i = 0; i < b; i++) {
                double k = 0, d = 0;
                for (int j = 0; j < lengths[i]; j++) k += kl[i * t + j];
                for (int j = 0; j + 1 < lengths[i]; j++) d += drop[i * t + j];
                out[i] = new Effect(Math.max(0, k / Math.max(1, lengths[i])), lengths[i] > 1 ? d / (lengths[i] - 1) : 0);
            }
            return out;
        }
    }

    private NDArray logProbs(NDArray normalized) {
        NDArray logits = model.logits(normalized).toType(DataType.FLOAT32, false);  // [B, T, vocab]
        return logits.logSoftmax(-1);
    }

    private static double mean(Effect[] a, boolean kl) {
        double s = 0;
        for (Effect e : a) s += kl ? e.kl() : e.logProbDrop();
        return s / a.length;
    }

    private static double std(Effect[] a, double mean) {
        if (a.length < 2) return 0;
        double s = 0;
        for (Effect e : a) s += (e.kl() - mean) * (e.kl() - mean);
        return Math.sqrt(s / (a.length - 1));
    }
}
