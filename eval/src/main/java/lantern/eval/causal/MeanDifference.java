package lantern.eval.causal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import lantern.subject.Encoding;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.bert.BertModel;

import java.util.List;

/**
 * Directions from examples: the difference between the mean of a hook's activations over positive texts and over
 * negative texts (the "refusal vector" recipe). Each text's activation is first mean-pooled over its real tokens
 * ([CLS] and [SEP] included, padding excluded), so long texts do not outweigh short ones.
 */
public final class MeanDifference {
    private static final int BATCH = 32;

    private MeanDifference() {
    }

    public static Direction compute(BertModel model, String name, String hook, List<String> positive, List<String> negative) {
        HookNames.requireValid(hook, model.info().layers());
        if (positive == null || positive.isEmpty() || negative == null || negative.isEmpty()) {
            throw new lantern.errors.BadRequestException("a direction needs at least one positive and one negative text");
        }
        float[] pos = meanPooled(model, hook, positive);
        float[] neg = meanPooled(model, hook, negative);
        float[] diff = new float[pos.length];
        for (int i = 0; i < diff.length; i++) diff[i] = pos[i] - neg[i];
        return new Direction(name, model.info().id(), hook, diff, Direction.norm(diff), positive.size(), negative.size());
    }

    /** Mean over texts of each text's token-mean activation at {@code hook}. */
    public static float[] meanPooled(BertModel model, String hook, List<String> texts) {
        double[] acc = null;
        for (int from = 0; from < texts.size(); from += BATCH) {
            List<String> part = texts.subList(from, Math.min(texts.size(), from + BATCH));
            List<Encoding> encs = part.stream().map(model::encode).toList();
            int t = encs.stream().mapToInt(Encoding::length).max().orElse(0);
            long[][] ids = new long[encs.size()][t];
            int[] lengths = new int[encs.size()];
            float[] mask = new float[encs.size() * t];
            for (int i = 0; i < encs.size(); i++) {
                System.arraycopy(encs.get(i).ids(), 0, ids[i], 0, encs.get(i).length());
                lengths[i] = encs.get(i).length();
                for (int j = 0; j < lengths[i]; j++) mask[i * t + j] = 1f;
            }
            try (NDManager m = model.manager().newSubManager()) {
                Hooks hooks = Hooks.none().cache(hook);
                model.forward(m, ids, lengths, hooks);
                NDArray a = hooks.get(hook);
                NDArray w = m.create(mask, new Shape(encs.size(), t, 1));
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
