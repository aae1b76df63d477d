package lantern.subject.knowledge;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import lantern.subject.HookNames;
import lantern.subject.HookPass;
import lantern.subject.Hooks;
import lantern.subject.decoder.DecoderModel;

/**
 * Integrated gradients of the target token's probability with respect to the MLP neurons of one layer
 * ({@code blocks.L.mlp.hook_post}) at the last position of a prompt, as Dai et al. (2022) define them:
 * {@code Attr(a_i) = a_i / m · Σ_{k=1..m} ∂P(k/m · a) / ∂a_i}, baseline zero, the other layers left as they are.
 * The m scaled copies run as one batch; a replace hook puts the scaled activations (an autograd leaf) in place of
 * the layer's last-position neurons, and PyTorch's autograd (through our own forward pass) gives the gradients.
 * By completeness the attributions of a layer sum to P(a) − P(0) up to the Riemann error of m steps.
 */
public final class IntegratedGradients {
    private IntegratedGradients() {
    }

    /** The neurons of every layer at the last position of {@code ids}: [layers][dMlp]. */
    public static float[][] lastActivations(DecoderModel model, long[] ids) {
        int layers = model.config().layers();
        try (NDManager m = model.manager().newSubManager()) {
            Hooks hooks = Hooks.none();
            for (int l = 0; l < layers; l++) hooks.cache(HookNames.mlpPost(l));
            HookPass pass = hooks.start();
            model.forward(m, new long[][]{ids}, null, pass);
            float[][] out = new float[layers][];
            for (int l = 0; l < layers; l++) {
                out[l] = pass.get(HookNames.mlpPost(l)).get(new NDIndex("0, {}", ids.length - 1)).toFloatArray();
            }
            return out;
        }
    }

    /**
     * @param activation the layer's neurons at the last position on the real prompt
     * @return attributions, one per neuron of {@code layer}
     */
    public static float[] layer(DecoderModel model, long[] ids, int target, int steps, int layer, float[] activation) {
        if (steps < 1) throw new IllegalArgumentException("steps must be positive");
        int f = activation.length;
        int t = ids.length;
        long[][] rows = new long[steps][];
        float[] alphas = new float[steps * f];
        for (int k = 0; k < steps; k++) {
            rows[k] = ids;
            float alpha = (k + 1) / (float) steps;
            for (int i = 0; i < f; i++) alphas[k * f + i] = alpha * activation[i];
        }
        try (NDManager m = model.manager().newSubManager()) {
            NDArray scaled = m.create(alphas).reshape(steps, f);
            scaled.setRequiresGradient(true);
            Hooks hooks = Hooks.none().replace(HookNames.mlpPost(layer), x -> {
                NDArray lastRow = scaled.reshape(steps, 1, f);
                if (t == 1) return lastRow;
                return NDArrays.concat(new NDList(x.get(new NDIndex(":, 0:{}, :", t - 1)), lastRow), 1);
            });
            float[] grad;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                HookPass pass = hooks.start();
                NDArray normalized = model.forward(m, rows, null, pass);
                NDArray logits = model.logits(normalized.get(new NDIndex(":, {}, :", t - 1))); // [steps, vocab]
                NDArray p = logits.softmax(-1).get(new NDIndex(":, {}", target)).sum();
                gc.backward(p);
                grad = scaled.getGradient().sum(new int[]{0}).toFloatArray();
            }
            float[] attr = new float[f];
            for (int i = 0; i < f; i++) attr[i] = activation[i] * grad[i] / steps;
            return attr;
        }
    }

    /**
     * The target's probability at the last position with some neurons of some layers (at the last position)
     * multiplied by a factor: 0 suppresses, 2 amplifies, as Dai et al. do.
     *
     * @param neurons per layer, the neuron indices to scale (null or empty: none)
     */
    public static double probability(DecoderModel model, long[] ids, int target, int[][] neurons, float factor) {
        int f = model.config().dMlp();
        int t = ids.length;
        Hooks hooks = Hooks.none();
        if (neurons != null) {
            for (int l = 0; l < neurons.length; l++) {
                if (neurons[l] == null || neurons[l].length == 0) continue;
                float[] mult = new float[t * f];
                java.util.Arrays.fill(mult, 1f);
                for (int i : neurons[l]) mult[(t - 1) * f + i] = factor;
                hooks.replace(HookNames.mlpPost(l), x -> x.mul(x.getManager().create(mult).reshape(1, t, f)));
            }
        }
        try (NDManager m = model.manager().newSubManager()) {
            HookPass pass = hooks.start();
            NDArray normalized = model.forward(m, new long[][]{ids}, null, pass);
            NDArray logits = model.logits(normalized.get(new NDIndex("0, {}", t - 1)));
            return logits.softmax(-1).getFloat(target);
        }
    }
}
