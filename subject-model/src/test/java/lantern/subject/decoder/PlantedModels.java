package lantern.subject.decoder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Hand-built Llama checkpoints whose behaviour is known by construction (weights planted, not trained), for tests
 * of methods that must find what was planted. They use the tiny word-level tokenizer of {@link TinyModels}.
 */
public final class PlantedModels {
    private PlantedModels() {
    }

    /** The word the tiny tokenizer gives id {@code id}. */
    public static String word(int id) {
        return TinyModels.words(64).get(id);
    }

    /** An all-zero Llama weight map of shape {@code s} (norm gains 1). */
    static Map<String, float[]> zeros(TinyModels.Spec s, boolean qkvBias) {
        Map<String, float[]> w = new LinkedHashMap<>();
        int q = s.heads() * s.hd(), kv = s.kvHeads() * s.hd();
        w.put("model.embed_tokens.weight", new float[s.vocab() * s.d()]);
        for (int l = 0; l < s.layers(); l++) {
            String p = "model.layers." + l + ".";
            w.put(p + "input_layernorm.weight", ones(s.d()));
            w.put(p + "self_attn.q_proj.weight", new float[q * s.d()]);
            w.put(p + "self_attn.k_proj.weight", new float[kv * s.d()]);
            w.put(p + "self_attn.v_proj.weight", new float[kv * s.d()]);
            if (qkvBias) {
                w.put(p + "self_attn.q_proj.bias", new float[q]);
                w.put(p + "self_attn.k_proj.bias", new float[kv]);
                w.put(p + "self_attn.v_proj.bias", new float[kv]);
            }
            w.put(p + "self_attn.o_proj.weight", new float[s.d() * q]);
            w.put(p + "post_attention_layernorm.weight", ones(s.d()));
            w.put(p + "mlp.gate_proj.weight", new float[s.dMlp() * s.d()]);
            w.put(p + "mlp.up_proj.weight", new float[s.dMlp() * s.d()]);
            w.put(p + "mlp.down_proj.weight", new float[s.d() * s.dMlp()]);
        }
        w.put("model.norm.weight", ones(s.d()));
        w.put("lm_head.weight", new float[s.vocab() * s.d()]);
        return w;
    }

    static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    // ---------- a relation that is linear by construction ----------

    public static final TinyModels.Spec LINEAR = new TinyModels.Spec(16, 2, 4, 4, 16, 64, 64);
    /** The constant every token embedding carries in dimension 0: it fixes every RMS norm's scale. */
    public static final float C = 1000f;

    /**
     * A model whose last-layer state at a token is an affine function of its layer-0 state there, up to
     * O(|h|^2 / C^2): no attention anywhere (o_proj zero), layer 0 does nothing, and layer 1's SwiGLU MLP is linear
     * because every token carries C in dimension 0 (RMS norm ≈ C/√d, a constant) and its gate reads only that
     * dimension (silu(20) = 20 to 1e-8). Then {@code z = h + M h} on dimensions 1..d-1 with
     * {@code M = W_down · silu(gate) · W_up · diag(g / rms)}; {@link #linearMap} computes M from the weights.
     */
    public static Map<String, float[]> linearRelation(long seed) {
        TinyModels.Spec s = LINEAR;
        int d = s.d(), f = s.dMlp();
        Random r = new Random(seed);
        Map<String, float[]> w = zeros(s, false);
        float[] embed = w.get("model.embed_tokens.weight");
        for (int t = 0; t < s.vocab(); t++) {
            embed[t * d] = C;
            for (int j = 1; j < d; j++) embed[t * d + j] = (float) r.nextGaussian();
        }
        String p = "model.layers.1.";
        float[] g2 = w.get(p + "post_attention_layernorm.weight");
        for (int j = 1; j < d; j++) g2[j] = C / (float) Math.sqrt(d); // norm(x)_j ≈ x_j
        float[] gate = w.get(p + "mlp.gate_proj.weight");
        float[] up = w.get(p + "mlp.up_proj.weight");
        float[] down = w.get(p + "mlp.down_proj.weight");
        for (int k = 0; k < f; k++) {
            gate[k * d] = 5f; // norm(x)_0 = √d = 4: gate 20
            for (int j = 1; j < d; j++) up[k * d + j] = (float) (r.nextGaussian() / Math.sqrt(d));
        }
        for (int i = 1; i < d; i++) {
            for (int k = 0; k < f; k++) down[i * f + k] = (float) (r.nextGaussian() / (20 * Math.sqrt(f)));
        }
        float[] gf = w.get("model.norm.weight");
        gf[0] = 0;
        for (int j = 1; j < d; j++) gf[j] = C / (float) Math.sqrt(d);
        float[] head = w.get("lm_head.weight");
        for (int t = 33; t < s.vocab(); t++) { // only the w33.. words can be predicted
            for (int j = 1; j < d; j++) head[t * d + j] = (float) r.nextGaussian();
        }
        return w;
    }

    /**
     * The planted map on dimensions 1..d-1, computed from the weights alone (the reference): {@code A = I + M},
     * {@code M = W_down · 20 · W_up · diag(g2 · √d / C)} with silu(20) taken as 20.
     */
    public static double[][] linearMap(Map<String, float[]> w) {
        TinyModels.Spec s = LINEAR;
        int d = s.d(), f = s.dMlp();
        String p = "model.layers.1.";
        float[] g2 = w.get(p + "post_attention_layernorm.weight");
        float[] up = w.get(p + "mlp.up_proj.weight");
        float[] down = w.get(p + "mlp.down_proj.weight");
        double silu = 20 / (1 + Math.exp(-20));
        double[][] a = new double[d][d];
        for (int i = 0; i < d; i++) {
            a[i][i] = 1;
            for (int j = 1; j < d; j++) {
                double x = 0;
                for (int k = 0; k < f; k++) x += down[i * f + k] * silu * up[k * d + j];
                a[i][j] += x * g2[j] * Math.sqrt(d) / C;
            }
        }
        return a;
    }

    public static Path writeLinearRelation(Path dir, Map<String, float[]> w) throws IOException {
        return TinyModels.writeLlama(dir, LINEAR, w, "llama", false, 10000, "F32");
    }

    /** Words a planted vocabulary offers as subjects: w33 .. w63. */
    public static List<String> wWords() {
        return TinyModels.words(64).subList(33, 64);
    }
}
