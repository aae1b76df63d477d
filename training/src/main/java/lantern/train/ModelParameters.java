package lantern.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import lantern.subject.decoder.DecoderConfig;
import lantern.subject.decoder.DecoderWeights;
import lantern.subject.decoder.LayerWeights;
import lantern.subject.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A trainable Llama decoder's weights as Java float arrays (the master copy the optimizer updates), in the layout
 * {@link lantern.subject.decoder.DecoderModel} runs ({@code [in, out]}, q/k/v side by side, gate/up side by side).
 * Each training step copies them into fresh NDArrays that record gradients, so the trainer runs the very forward
 * pass inference uses.
 */
public final class ModelParameters {
    /** One tensor: its values and shape; {@code decay} says whether weight decay applies (matrices only). */
    public record Tensor(String name, long[] shape, float[] values, boolean decay) {
    }

    private final DecoderConfig config;
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    private ModelParameters(DecoderConfig config) {
        this.config = config;
    }

    public DecoderConfig config() {
        return config;
    }

    public List<Tensor> tensors() {
        return List.copyOf(tensors.values());
    }

    public Tensor get(String name) {
        return tensors.get(name);
    }

    public long count() {
        long n = 0;
        for (Tensor t : tensors.values()) n += t.values().length;
        return n;
    }

    /** Empty (zero) tensors of the right shapes, in a fixed order. */
    public static ModelParameters zeros(DecoderConfig c) {
        ModelParameters p = new ModelParameters(c);
        int d = c.dModel();
        int v = c.vocabSize();
        p.add("embed", true, v, d);
        for (int l = 0; l < c.layers(); l++) {
            p.add(l + ".norm1", false, d);
            p.add(l + ".qkv", true, d, c.qWidth() + 2L * c.kvWidth());
            p.add(l + ".out", true, c.qWidth(), d);
            p.add(l + ".norm2", false, d);
            p.add(l + ".mlpIn", true, d, 2L * c.dMlp());
            p.add(l + ".mlpOut", true, c.dMlp(), d);
        }
        p.add("normFinal", false, d);
        if (!c.tiedEmbeddings()) p.add("unembed", true, d, v);
        return p;
    }

    /** GPT-2's initialisation: N(0, 0.02), residual output projections scaled by 1/sqrt(2 layers), norms 1. */
    public static ModelParameters init(DecoderConfig c, long seed) {
        ModelParameters p = zeros(c);
        Random r = new Random(seed);
        double residual = 0.02 / Math.sqrt(2.0 * c.layers());
        for (Tensor t : p.tensors.values()) {
            float[] a = t.values();
            if (!t.decay()) {
                java.util.Arrays.fill(a, 1f);
                continue;
            }
            double std = t.name().endsWith(".out") || t.name().endsWith(".mlpOut") ? residual : 0.02;
            for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextGaussian() * std);
        }
        return p;
    }

    /**
     * A copy of a loaded Llama decoder's weights (no biases, no learned positions), to train further: the verbalizer
     * starts from the subject itself.
     */
    public static ModelParameters copyOf(DecoderConfig c, DecoderWeights w) {
        if (c.isGpt2() || w.posEmbed() != null || w.normFinalBias() != null || c.ropeScaling() != null
                || c.activation() != DecoderConfig.Activation.SWIGLU) {
            throw new IllegalArgumentException("only Llama-family decoders without biases can be trained here");
        }
        ModelParameters p = zeros(c);
        java.util.function.BiConsumer<String, NDArray> put = (name, a) -> {
            if (a == null) throw new IllegalArgumentException("decoder has no weight for " + name);
            float[] v = a.toFloatArray();
            float[] dst = p.get(name).values();
            if (v.length != dst.length) throw new IllegalArgumentException(name + " has the wrong size");
            System.arraycopy(v, 0, dst, 0, v.length);
        };
        put.accept("embed", w.embed());
        for (int l = 0; l < c.layers(); l++) {
            LayerWeights lw = w.layers().get(l);
            if (lw.qkvBias() != null || lw.outBias() != null || lw.mlpInBias() != null || lw.mlpOutBias() != null
                    || lw.norm1Bias() != null || lw.norm2Bias() != null) {
                throw new IllegalArgumentException("only Llama-family decoders without biases can be trained here");
            }
            put.accept(l + ".norm1", lw.norm1());
            put.accept(l + ".qkv", lw.qkv());
            put.accept(l + ".out", lw.out());
            put.accept(l + ".norm2", lw.norm2());
            put.accept(l + ".mlpIn", lw.mlpIn());
            put.accept(l + ".mlpOut", lw.mlpOut());
        }
        put.accept("normFinal", w.normFinal());
        if (!c.tiedEmbeddings()) put.accept("unembed", w.unembed());
        return p;
    }

    private void add(String name, boolean decay, long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        tensors.put(name, new Tensor(name, shape, new float[Math.toIntExact(n)], decay));
    }

    /**
     * The weights as NDArrays in {@code m}; with {@code grad}, each records its gradient. {@code leaves} receives
     * the arrays in {@link #tensors()} order.
     */
    public DecoderWeights toWeights(NDManager m, boolean grad, List<NDArray> leaves) {
        Map<String, NDArray> a = new LinkedHashMap<>();
        for (Tensor t : tensors.values()) {
            NDArray x = m.create(t.values(), new Shape(t.shape()));
            if (grad) x.setRequiresGradient(true);
            a.put(t.name(), x);
            if (leaves != null) leaves.add(x);
        }
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < config.layers(); l++) {
            layers.add(new LayerWeights(a.get(l + ".norm1"), null, a.get(l + ".qkv"), null, a.get(l + ".out"), null,
                    a.get(l + ".norm2"), null, a.get(l + ".mlpIn"), null, a.get(l + ".mlpOut"), null));
        }
        NDArray embed = a.get("embed");
        NDArray unembed = config.tiedEmbeddings() ? embed.transpose() : a.get("unembed");
        return new DecoderWeights(embed, null, layers, a.get("normFinal"), null, unembed);
    }

    /** The weights under Hugging Face Llama names, as [out, in] matrices, with their shapes. */
    public Map<String, Tensor> hfTensors() {
        DecoderConfig c = config;
        int d = c.dModel();
        Map<String, Tensor> out = new LinkedHashMap<>();
        java.util.function.BiConsumer<String, Object[]> put = (n, v) -> out.put(n, new Tensor(n, (long[]) v[1],
                (float[]) v[0], false));
        put.accept("model.embed_tokens.weight", new Object[]{get("embed").values(), new long[]{c.vocabSize(), d}});
        for (int l = 0; l < c.layers(); l++) {
            String p = "model.layers." + l + ".";
            float[] qkv = get(l + ".qkv").values();
            int cols = c.qWidth() + 2 * c.kvWidth();
            put.accept(p + "input_layernorm.weight", new Object[]{get(l + ".norm1").values(), new long[]{d}});
            put.accept(p + "self_attn.q_proj.weight", new Object[]{transposedColumns(qkv, d, cols, 0, c.qWidth()),
                    new long[]{c.qWidth(), d}});
            put.accept(p + "self_attn.k_proj.weight", new Object[]{transposedColumns(qkv, d, cols, c.qWidth(),
                    c.kvWidth()), new long[]{c.kvWidth(), d}});
            put.accept(p + "self_attn.v_proj.weight", new Object[]{transposedColumns(qkv, d, cols,
                    c.qWidth() + c.kvWidth(), c.kvWidth()), new long[]{c.kvWidth(), d}});
            put.accept(p + "self_attn.o_proj.weight", new Object[]{transposedColumns(get(l + ".out").values(),
                    c.qWidth(), d, 0, d), new long[]{d, c.qWidth()}});
            put.accept(p + "post_attention_layernorm.weight", new Object[]{get(l + ".norm2").values(), new long[]{d}});
            float[] gateUp = get(l + ".mlpIn").values();
            put.accept(p + "mlp.gate_proj.weight", new Object[]{transposedColumns(gateUp, d, 2 * c.dMlp(), 0,
                    c.dMlp()), new long[]{c.dMlp(), d}});
            put.accept(p + "mlp.up_proj.weight", new Object[]{transposedColumns(gateUp, d, 2 * c.dMlp(), c.dMlp(),
                    c.dMlp()), new long[]{c.dMlp(), d}});
            put.accept(p + "mlp.down_proj.weight", new Object[]{transposedColumns(get(l + ".mlpOut").values(),
                    c.dMlp(), d, 0, d), new long[]{d, c.dMlp()}});
        }
        put.accept("model.norm.weight", new Object[]{get("normFinal").values(), new long[]{d}});
        if (!c.tiedEmbeddings()) {
            put.accept("lm_head.weight", new Object[]{transposedColumns(get("unembed").values(), d, c.vocabSize(), 0,
                    c.vocabSize()), new long[]{c.vocabSize(), d}});
        }
        return out;
    }

    /** Writes {@code model.safetensors} under Hugging Face Llama names ([out, in] matrices). */
    public void writeSafetensors(Path file) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter().inNameOrder();
        for (Tensor t : hfTensors().values()) w.add(t.name(), t.values(), t.shape());
        w.write(file);
    }

    /** Columns {@code [from, from + n)} of a row-major {@code [rows, cols]} matrix, transposed to {@code [n, rows]}. */
    public static float[] transposedColumns(float[] a, int rows, int cols, int from, int n) {
        float[] out = new float[rows * n];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) out[j * rows + r] = a[r * cols + from + j];
        }
        return out;
    }
}
