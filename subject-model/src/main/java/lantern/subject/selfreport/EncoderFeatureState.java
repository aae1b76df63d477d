package lantern.subject.selfreport;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import lantern.errors.InvalidInputException;
import lantern.subject.ActivationCache;
import lantern.subject.EncoderModel;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.sae.SaeStore;
import lantern.subject.transcoder.FeatureDictionaries;
import lantern.subject.transcoder.TranscoderStore;

import java.util.ArrayList;
import java.util.List;

/**
 * A feature of a post-LayerNorm encoder (MiniLM) as the state a verbalizer of that encoder reads.
 *
 * <p>In BERT every block ends in a LayerNorm: {@code hook_resid_post = LN2(resid_mid + mlp_out)}. A direction cannot
 * be added to a normalized state as it is to a decoder's residual stream (the sum would not be a state the model ever
 * makes), so it is written where the feature writes it and the real forward pass carries it through the LayerNorm:
 * an MLP neuron's row of W_out is added to {@code hook_mlp_out} of its layer (inside LN2's sum, exactly where the
 * neuron's own output goes); an SAE's or transcoder's decoder row to the hook its dictionary reconstructs. The
 * state is read at the verbalizer's hook, {@code resid_post} of that layer ({@code resid_pre} of L is
 * {@code resid_post} of L−1), pooled as the verbalizer was trained, and averaged over a set of neutral sentences.
 *
 * <p>The scale: the direction, made unit length, is multiplied by the root mean square distance of that hook's token
 * activations from their mean over the same sentences (their typical spread: one "typical activation norm" away
 * from the average), and added at every token of each sentence.
 */
public final class EncoderFeatureState {
    /**
     * @param hook     where the direction is added
     * @param vector   the direction (the feature's W_out or decoder row), of {@code hook}'s width
     * @param readHook the {@code resid_post} hook the verbalizer reads
     */
    public record Write(String hook, float[] vector, String readHook) {
    }

    /** The state, and what it is made of. */
    public record State(float[] state, float[] neutral, double spread) {
    }

    private EncoderFeatureState() {
    }

    /**
     * @param kind {@code mlp} for a neuron, else an SAE or transcoder kind as in feature ids
     */
    public static Write of(EncoderModel model, SaeStore saes, TranscoderStore transcoders, int layer, String kind,
                           int index) {
        if ("mlp".equals(kind)) {
            return new Write(HookNames.mlpOut(layer), model.mlpOutputRow(layer, index), HookNames.residPost(layer));
        }
        if (saes == null && transcoders == null) {
            throw new InvalidInputException("no SAEs to read feature kind '" + kind + "' from");
        }
        FeatureDictionaries.Direction d = new FeatureDictionaries(() -> saes, () -> transcoders)
                .writes(model.info().id(), layer, kind, index);
        return new Write(d.hook(), d.vector(), readHook(d.hook()));
    }

    /** The {@code resid_post} hook whose state carries what is written at {@code hook}. */
    static String readHook(String hook) {
        int l = HookNames.layerOf(hook);
        if (l < 0) throw new InvalidInputException("no block reads a feature written at " + hook);
        if (hook.endsWith(".hook_resid_pre")) {
            if (l == 0) throw new InvalidInputException("a feature at " + hook + " (the embeddings' LayerNorm output) "
                    + "has no resid_post hook before it to verbalize");
            return HookNames.residPost(l - 1);
        }
        return HookNames.residPost(l);
    }

    /**
     * The verbalizer's input for this write: the mean over {@code texts} of the {@code pool}ed {@code readHook}
     * state with {@code spread · vector / ‖vector‖} added to {@code hook} at every token.
     */
    public static State state(EncoderModel model, Write w, Pool pool, List<String> texts) {
        return state(model, w, pool, texts, spread(model, w.hook(), texts));
    }

    /** As {@link #state(EncoderModel, Write, Pool, List)} with the spread given (computed once per hook). */
    public static State state(EncoderModel model, Write w, Pool pool, List<String> texts, double spread) {
        double norm = 0;
        for (float v : w.vector()) norm += (double) v * v;
        norm = Math.sqrt(norm);
        if (!(norm > 0)) throw new IllegalArgumentException("the feature's direction is zero");
        float[] add = new float[w.vector().length];
        for (int i = 0; i < add.length; i++) add[i] = (float) (spread * w.vector()[i] / norm);
        float[][] neutral = StateReader.read(model, w.readHook(), pool, texts);
        float[][] moved = StateReader.read(model, w.readHook(), pool, texts, Hooks.none().replace(w.hook(), a -> {
            if (a.getShape().get(a.getShape().dimension() - 1) != add.length) {
                throw new InvalidInputException("the direction has " + add.length + " dimensions; " + w.hook()
                        + " has " + a.getShape().get(a.getShape().dimension() - 1));
            }
            return a.add(a.getManager().create(add));
        }));
        return new State(mean(moved), mean(neutral), spread);
    }

    /** √(mean over the texts' tokens of ‖a − ā‖²) at {@code hook} (its frame tokens included, as pooling has them). */
    public static double spread(EncoderModel model, String hook, List<String> texts) {
        StateReader.requireHook(model, hook);
        List<float[]> tokens = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += StateReader.BATCH) {
            List<long[]> rows = new ArrayList<>();
            for (String t : texts.subList(from, Math.min(texts.size(), from + StateReader.BATCH))) {
                rows.add(StateReader.ids(model, t));
            }
            int t = rows.stream().mapToInt(r -> r.length).max().orElse(0);
            long[][] ids = new long[rows.size()][t];
            int[] lengths = new int[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                System.arraycopy(rows.get(i), 0, ids[i], 0, rows.get(i).length);
                lengths[i] = rows.get(i).length;
            }
            try (NDManager m = model.manager().newSubManager()) {
                ActivationCache c = model.run(m, ids, lengths, Hooks.none().cache(hook)).cache();
                NDArray a = c.get(hook);
                int width = (int) a.getShape().get(2);
                float[] flat = a.toFloatArray();
                for (int i = 0; i < rows.size(); i++) {
                    for (int j = 0; j < lengths[i]; j++) {
                        int at = (i * t + j) * width;
                        tokens.add(java.util.Arrays.copyOfRange(flat, at, at + width));
                    }
                }
            }
        }
        float[] mean = mean(tokens.toArray(float[][]::new));
        double ss = 0;
        for (float[] x : tokens) for (int k = 0; k < x.length; k++) ss += (x[k] - mean[k]) * (double) (x[k] - mean[k]);
        return Math.sqrt(ss / tokens.size());
    }

    private static float[] mean(float[][] rows) {
        double[] sum = new double[rows[0].length];
        for (float[] r : rows) for (int k = 0; k < sum.length; k++) sum[k] += r[k];
        float[] out = new float[sum.length];
        for (int k = 0; k < out.length; k++) out[k] = (float) (sum[k] / rows.length);
        return out;
    }
}
