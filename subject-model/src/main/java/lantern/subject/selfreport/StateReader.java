package lantern.subject.selfreport;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import lantern.errors.InvalidInputException;
import lantern.subject.HookNames;
import lantern.subject.HookedModel;
import lantern.subject.ActivationCache;
import lantern.subject.Hooks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads one state per text at a hook, the same way for the state a self-report describes and for its round trip:
 * the model's framing around the text ({@link HookedModel#frame()}: BOS for decoders, [CLS] .. [SEP] for BERT),
 * one pass, then {@link Pool}. Batches are right-padded; a decoder's padding cannot reach real tokens (causal
 * attention) and an encoder masks it.
 */
public final class StateReader {
    public static final int BATCH = 32;

    private StateReader() {
    }

    /**
     * The model's token ids for a text ({@link HookedModel#frameText}: its frame around the text). Unlike
     * {@link HookedModel#toTokens}, an empty text is allowed when the frame is not empty: a self-report may say
     * nothing, and its round trip is then the state of the frame alone (a decoder's BOS).
     */
    public static long[] ids(HookedModel model, String text) {
        long[] out = model.frameText(text).ids();
        if (out.length == 0) throw new InvalidInputException("the text is empty (no tokens)");
        if (out.length > model.info().contextLength()) {
            throw new InvalidInputException("the text has " + out.length + " tokens, more than the context length "
                    + model.info().contextLength() + " of " + model.info().id());
        }
        return out;
    }

    /** One state per text. */
    public static float[][] read(HookedModel model, String hook, Pool pool, List<String> texts) {
        return read(model, hook, pool, texts, Hooks.none());
    }

    /** One state per text, read while {@code interventions} (replacements at other hooks) act on the pass. */
    public static float[][] read(HookedModel model, String hook, Pool pool, List<String> texts, Hooks interventions) {
        List<long[]> rows = new ArrayList<>();
        for (String t : texts) rows.add(ids(model, t));
        return readIds(model, hook, pool, rows, interventions);
    }

    /** One state per token row (each already framed). */
    public static float[][] readIds(HookedModel model, String hook, Pool pool, List<long[]> rows) {
        return readIds(model, hook, pool, rows, Hooks.none());
    }

    private static float[][] readIds(HookedModel model, String hook, Pool pool, List<long[]> rows,
                                     Hooks interventions) {
        requireHook(model, hook);
        Hooks hooks = interventions.cache(hook);
        float[][] out = new float[rows.size()][];
        for (int from = 0; from < rows.size(); from += BATCH) {
            List<long[]> part = rows.subList(from, Math.min(rows.size(), from + BATCH));
            float[][] got = batch(model, hook, pool, part, hooks);
            System.arraycopy(got, 0, out, from, got.length);
        }
        return out;
    }

    /** Every position's state of one framed row: [tokens][width]. */
    public static float[][] positions(HookedModel model, String hook, long[] ids) {
        requireHook(model, hook);
        try (NDManager m = model.manager().newSubManager()) {
            Hooks hooks = Hooks.none().cache(hook);
            ActivationCache cached = model.run(m, new long[][]{ids}, new int[]{ids.length}, hooks).cache();
            NDArray a = cached.get(hook);
            requireTokenWidth(a, hook);
            int w = (int) a.getShape().get(2);
            float[] flat = a.toFloatArray();
            float[][] out = new float[ids.length][];
            for (int i = 0; i < ids.length; i++) out[i] = Arrays.copyOfRange(flat, i * w, (i + 1) * w);
            return out;
        }
    }

    /**
     * The state at {@code positions[i]} of each row of an equal-length batch (for a decoder, the state of the text
     * up to that position: causal attention sees nothing after it).
     */
    public static float[][] atPositions(HookedModel model, String hook, long[][] ids, int[] positions) {
        requireHook(model, hook);
        int t = ids[0].length;
        int[] lengths = new int[ids.length];
        java.util.Arrays.fill(lengths, t);
        try (NDManager m = model.manager().newSubManager()) {
            Hooks hooks = Hooks.none().cache(hook);
            ActivationCache cached = model.run(m, ids, lengths, hooks).cache();
            NDArray a = cached.get(hook);
            requireTokenWidth(a, hook);
            int w = (int) a.getShape().get(2);
            float[] flat = a.toFloatArray();
            float[][] out = new float[ids.length][];
            for (int i = 0; i < ids.length; i++) {
                int p = positions[i];
                out[i] = Arrays.copyOfRange(flat, (i * t + p) * w, (i * t + p + 1) * w);
            }
            return out;
        }
    }

    private static float[][] batch(HookedModel model, String hook, Pool pool, List<long[]> rows, Hooks hooks) {
        int t = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        long[][] ids = new long[rows.size()][t];
        int[] lengths = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            long[] r = rows.get(i);
            System.arraycopy(r, 0, ids[i], 0, r.length);
            Arrays.fill(ids[i], r.length, t, r[r.length - 1]); // padding: any id, never read
            lengths[i] = r.length;
        }
        try (NDManager m = model.manager().newSubManager()) {
            ActivationCache cached = model.run(m, ids, lengths, hooks).cache();
            NDArray a = cached.get(hook);
            requireTokenWidth(a, hook);
            int w = (int) a.getShape().get(2);
            float[] flat = a.toFloatArray();
            float[][] out = new float[rows.size()][];
            for (int i = 0; i < rows.size(); i++) out[i] = pool(flat, i, t, w, lengths[i], pool);
            return out;
        }
    }

    /** Pools row {@code i} of a flat [B, T, w] array over its first {@code len} tokens. */
    static float[] pool(float[] flat, int i, int t, int w, int len, Pool pool) {
        int base = i * t * w;
        if (pool == Pool.LAST) return Arrays.copyOfRange(flat, base + (len - 1) * w, base + len * w);
        double[] sum = new double[w];
        for (int j = 0; j < len; j++) for (int k = 0; k < w; k++) sum[k] += flat[base + j * w + k];
        float[] out = new float[w];
        double norm = 0;
        for (int k = 0; k < w; k++) {
            out[k] = (float) (sum[k] / len);
            norm += (double) out[k] * out[k];
        }
        if (pool == Pool.EMBEDDING) {
            double n = Math.max(Math.sqrt(norm), 1e-12);
            for (int k = 0; k < w; k++) out[k] = (float) (out[k] / n);
        }
        return out;
    }

    /** The hook exists on this model (an unknown one is an {@link lantern.subject.UnknownHookException}). */
    public static void requireHook(HookedModel model, String hook) {
        if (hook == null || hook.isBlank()) throw new InvalidInputException("\"hook\" is required");
        model.validate(Hooks.none().cache(hook));
        if (hook.endsWith("attn.hook_pattern")) {
            throw new InvalidInputException("hook " + hook + " holds attention patterns, not one state per token");
        }
    }

    private static void requireTokenWidth(NDArray a, String hook) {
        if (a.getShape().dimension() != 3) {
            throw new InvalidInputException("hook " + hook + " is not shaped [batch, tokens, width]");
        }
    }

    /** The layer a hook reads (-1 for the embedding, the model's layer count for ln_final). */
    public static int layer(String hook, int layers) {
        if (hook.equals(HookNames.LN_FINAL)) return layers;
        return HookNames.layerOf(hook);
    }
}
