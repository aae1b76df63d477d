package lantern.eval.causal;

import lantern.api.causal.Pooling;
import lantern.api.causal.Direction;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import lantern.subject.HookNames;
import lantern.subject.ActivationCache;
import lantern.subject.Hooks;
import lantern.subject.HookedModel;

import java.util.List;

/**
 * Directions from examples: the difference between the mean of a hook's activations over positive texts and over
 * negative texts (the "refusal vector" recipe). Each text's activation is first reduced to one vector, so long texts
 * do not outweigh short ones: {@link Pooling#MEAN} over its real tokens (encoders: [CLS] and [SEP] included; decoders:
 * BOS left out, padding always excluded) or {@link Pooling#LAST}, its last token.
 */
public final class MeanDifference {
    private static final int BATCH = 32;

    private MeanDifference() {
    }

    /** Mean pooling (MiniLM's default). */
    public static Direction compute(HookedModel model, String name, String hook, List<String> positive, List<String> negative) {
        return compute(model, name, hook, positive, negative, Pooling.MEAN);
    }

    public static Direction compute(HookedModel model, String name, String hook, List<String> positive,
                                    List<String> negative, Pooling pool) {
        HookNames.requireValid(hook, model.hookNames());
        if (hook.endsWith("attn.hook_pattern")) throw new IllegalArgumentException("directions do not apply to " + hook);
        if (positive == null || positive.isEmpty() || negative == null || negative.isEmpty()) {
            throw new lantern.errors.InvalidInputException("a direction needs at least one positive and one negative text");
        }
        float[] pos = pooled(model, hook, positive, pool);
        float[] neg = pooled(model, hook, negative, pool);
        float[] diff = new float[pos.length];
        for (int i = 0; i < diff.length; i++) diff[i] = pos[i] - neg[i];
        return new Direction(name, model.info().id(), hook, diff, Direction.norm(diff), positive.size(), negative.size(),
                pool.label());
    }

    /** Mean over texts of each text's token-mean activation at {@code hook}. */
    public static float[] meanPooled(HookedModel model, String hook, List<String> texts) {
        return pooled(model, hook, texts, Pooling.MEAN);
    }

    /** Mean over texts of each text's pooled activation at {@code hook}. */
    public static float[] pooled(HookedModel model, String hook, List<String> texts, Pooling pool) {
        boolean decoder = !model.info().encoder();
        double[] acc = null;
        for (int from = 0; from < texts.size(); from += BATCH) {
            List<String> part = texts.subList(from, Math.min(texts.size(), from + BATCH));
            List<ModelRuns.Tokens> encs = part.stream().map(t -> ModelRuns.encode(model, t)).toList();
            int t = encs.stream().mapToInt(ModelRuns.Tokens::length).max().orElse(0);
            long[][] ids = new long[encs.size()][t];
            int[] lengths = new int[encs.size()];
            float[] weight = new float[encs.size() * t];
            for (int i = 0; i < encs.size(); i++) {
                ModelRuns.Tokens e = encs.get(i);
                System.arraycopy(e.ids(), 0, ids[i], 0, e.length());
                lengths[i] = e.length();
                if (pool == Pooling.LAST) {
                    weight[i * t + e.length() - 1] = 1f;
                    continue;
                }
                int counted = 0;
                for (int j = 0; j < e.length(); j++) {
                    if (decoder && e.special()[j]) continue; // BOS: the same in every text, no part of it
                    weight[i * t + j] = 1f;
                    counted++;
                }
                if (counted == 0) throw new IllegalArgumentException("text has no tokens besides special ones: '" + part.get(i) + "'");
            }
            try (NDManager m = ModelRuns.newManager(model)) {
                Hooks hooks = Hooks.none().cache(hook);
                ActivationCache cached = ModelRuns.forward(model, m, ids, lengths, hooks);
                NDArray a = cached.get(hook);
                NDArray w = m.create(weight, new Shape(encs.size(), t, 1));
                float[] pooled = a.mul(w).sum(new int[]{1}).div(w.sum(new int[]{1})).toFloatArray();
                int d = pooled.length / encs.size();
                if (acc == null) acc = new double[d];
                for (int i = 0; i < pooled.length; i++) acc[i % d] += pooled[i];
            }
        }
        float[] out = new float[acc.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) (acc[i] / texts.size());
        return out;
    }
}
