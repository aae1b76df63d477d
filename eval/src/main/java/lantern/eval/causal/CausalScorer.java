package lantern.eval.causal;

import lantern.api.causal.InterventionSpec;
import lantern.api.causal.CausalScore;
import lantern.api.FeatureRecords;
import lantern.explainer.explain.WindowText;
import lantern.subject.Hooks;
import lantern.subject.EncoderModel;

import java.util.List;

/**
 * Ablates a neuron or feature and measures how much each text's sentence embedding moves (1 − cosine): a feature
 * that matters for what it responds to moves its top windows' embeddings more than random windows'.
 */
public final class CausalScorer {
    private static final int BATCH = 32;
    /** Texts per side: enough for a stable mean, few enough that a feature takes about a second. */
    public static final int TEXTS = 16;

    private final EncoderModel model;
    private final InterventionPlanner planner;

    public CausalScorer(EncoderModel model, InterventionPlanner planner) {
        this.model = model;
        this.planner = planner;
    }

    /**
     * The causal check of a collected feature: ablate it and compare the embedding change on texts of its top
     * windows (strongest first) against its random windows, {@link #TEXTS} of each at most. The explanation plays no
     * part, so the same feature gives the same score whichever explanation it is shown beside.
     */
    public CausalScore ablationScore(FeatureRecords records) {
        List<String> top = records.top().stream().limit(TEXTS).map(WindowText::of).toList();
        List<String> random = records.random().stream().limit(TEXTS).map(WindowText::of).toList();
        return ablationScore(records.id().toString(), top, random);
    }

    /** Zero-ablation of an MLP neuron, or of an SAE feature (error term kept). */
    public CausalScore ablationScore(String featureId, List<String> topTexts, List<String> randomTexts) {
        boolean neuron = lantern.api.FeatureId.parse(featureId).isNeuron();
        InterventionSpec spec = neuron ? InterventionSpec.ablateNeuron(featureId) : InterventionSpec.ablateSae(featureId);
        InterventionPlanner.Planned p = planner.plan(spec);
        return score(featureId, p.description(), planner.hooks(List.of(p)), topTexts, randomTexts);
    }

    public CausalScore score(String feature, String description, Hooks intervention, List<String> topTexts, List<String> randomTexts) {
        if (topTexts.isEmpty() || randomTexts.isEmpty()) throw new IllegalArgumentException("need top and random texts");
        double[] top = effects(intervention, topTexts);
        double[] rnd = effects(intervention, randomTexts);
        double mt = mean(top), mr = mean(rnd);
        return new CausalScore(feature, description, mt, mr, mr > 0 ? mt / mr : Double.POSITIVE_INFINITY,
                CausalScore.selectivity(mt, mr), std(top, mt), std(rnd, mr), top.length, rnd.length,
                lantern.eval.score.Bootstrap.twoSample(CausalScore.selectivity(mt, mr), top, rnd,
                        (a, b) -> CausalScore.selectivity(mean(a), mean(b))));
    }

    /** 1 − cosine between each text's clean and intervened embedding. */
    public double[] effects(Hooks intervention, List<String> texts) {
        double[] out = new double[texts.size()];
        for (int from = 0; from < texts.size(); from += BATCH) {
            List<String> part = texts.subList(from, Math.min(texts.size(), from + BATCH));
            List<float[]> clean = model.embedBatch(part, Hooks.none());
            List<float[]> changed = model.embedBatch(part, intervention);
            for (int i = 0; i < part.size(); i++) out[from + i] = 1 - cosine(clean.get(i), changed.get(i));
        }
        return out;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(Math.max(na * nb, 1e-30));
    }

    private static double mean(double[] a) {
        double s = 0;
        for (double x : a) s += x;
        return s / a.length;
    }

    private static double std(double[] a, double mean) {
        if (a.length < 2) return 0;
        double s = 0;
        for (double x : a) s += (x - mean) * (x - mean);
        return Math.sqrt(s / (a.length - 1));
    }
}
