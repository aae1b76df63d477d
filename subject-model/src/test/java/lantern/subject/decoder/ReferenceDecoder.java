package lantern.subject.decoder;

import java.util.Map;

/**
 * An independent, deliberately plain forward pass (float loops, no NDArrays, one position at a time with an
 * explicit key/value history) for GPT-2, HF Llama (half rotation) and run.c (pair rotation, raw llama2.c
 * weights). Tests compare the DJL model's logits against it.
 */
public final class ReferenceDecoder {
    public enum Kind { GPT2, HF_LLAMA, LLAMA2C }

    private ReferenceDecoder() {
    }

    /** Logits [positions][vocab]. Weights under HF names; for GPT-2, Conv1D [in, out]; Llama: Linear [out, in]. */
    public static float[][] logits(Kind kind, TinyModels.Spec s, Map<String, float[]> w, int[] ids, double theta,
                            float eps) {
        return run(kind, s, w, ids, theta, eps, null, null, null, null);
    }

    /** The neurons ({@code mlp.hook_post}) of {@code layer} at {@code position} replaced by {@code values}. */
    public record PostOverride(int layer, int position, float[] values) {
    }

    /** Logits [positions][vocab] with one layer's neurons at one position replaced. */
    public static float[][] logits(Kind kind, TinyModels.Spec s, Map<String, float[]> w, int[] ids, double theta,
                                   float eps, PostOverride override) {
        return run(kind, s, w, ids, theta, eps, null, null, override, null);
    }

    /** {@code amount} added to neuron {@code unit} ({@code mlp.hook_post}) of {@code layer} at every position. */
    public record PostAdd(int layer, int unit, float amount) {
    }

    /** Logits [positions][vocab] with one neuron raised by a constant at every position (amplification). */
    public static float[][] logits(Kind kind, TinyModels.Spec s, Map<String, float[]> w, int[] ids, double theta,
                                   float eps, PostAdd plus) {
        return run(kind, s, w, ids, theta, eps, null, null, null, plus);
    }

    /**
     * The residual stream entering each block ({@code blocks.L.hook_resid_pre}, Hugging Face's
     * {@code hidden_states[L]}) [layer][position][d] of the same pass.
     */
    public static float[][][] residPre(Kind kind, TinyModels.Spec s, Map<String, float[]> w, int[] ids, double theta,
                                       float eps) {
        float[][][] resid = new float[s.layers()][ids.length][];
        run(kind, s, w, ids, theta, eps, null, resid, null, null);
        return resid;
    }

    /** The MLP neurons ({@code mlp.hook_post}) [layer][position][neuron] of the same pass. */
    public static float[][][] mlpPost(Kind kind, TinyModels.Spec s, Map<String, float[]> w, int[] ids, double theta,
                                      float eps) {
        float[][][] post = new float[s.layers()][ids.length][];
        run(kind, s, w, ids, theta, eps, post, null, null, null);
        return post;
    }

    private static float[][] run(Kind kind, TinyModels.Spec s, Map<String, float[]> w, int[] ids, double theta,
                                 float eps, float[][][] post, float[][][] residPre, PostOverride ov, PostAdd plus) {
        int d = s.d();
        int hd = s.hd();
        int h = s.heads();
        int kvh = kind == Kind.GPT2 ? h : s.kvHeads();
        int kvw = kvh * hd;
        int T = ids.length;
        float[][][] keys = new float[s.layers()][T][];
        float[][][] vals = new float[s.layers()][T][];
        float[][] out = new float[T][];
        for (int pos = 0; pos < T; pos++) {
            float[] x = new float[d];
            String emb = kind == Kind.GPT2 ? "wte.weight" : "model.embed_tokens.weight";
            for (int i = 0; i < d; i++) x[i] = w.get(emb)[ids[pos] * d + i];
            if (kind == Kind.GPT2) for (int i = 0; i < d; i++) x[i] += w.get("wpe.weight")[pos * d + i];
            for (int l = 0; l < s.layers(); l++) {
                if (residPre != null) residPre[l][pos] = x.clone();
                float[] q;
                float[] k;
                float[] v;
                if (kind == Kind.GPT2) {
                    String p = "h." + l + ".";
                    float[] xn = layerNorm(x, w.get(p + "ln_1.weight"), w.get(p + "ln_1.bias"), eps);
                    float[] qkv = inOut(xn, w.get(p + "attn.c_attn.weight"), 3 * d);
                    add(qkv, w.get(p + "attn.c_attn.bias"));
                    q = slice(qkv, 0, d);
                    k = slice(qkv, d, 2 * d);
                    v = slice(qkv, 2 * d, 3 * d);
                } else {
                    String p = "model.layers." + l + ".";
                    float[] xn = rms(x, w.get(p + "input_layernorm.weight"), eps);
                    q = outIn(xn, w.get(p + "self_attn.q_proj.weight"), h * hd);
                    k = outIn(xn, w.get(p + "self_attn.k_proj.weight"), kvw);
                    v = outIn(xn, w.get(p + "self_attn.v_proj.weight"), kvw);
                    if (w.containsKey(p + "self_attn.q_proj.bias")) {
                        add(q, w.get(p + "self_attn.q_proj.bias"));
                        add(k, w.get(p + "self_attn.k_proj.bias"));
                        add(v, w.get(p + "self_attn.v_proj.bias"));
                    }
                    if (kind == Kind.HF_LLAMA) {
                        ropeHalves(q, h, hd, pos, theta);
                        ropeHalves(k, kvh, hd, pos, theta);
                    } else {
                        ropePairs(q, k, hd, kvw, pos);
                    }
                }
                keys[l][pos] = k;
                vals[l][pos] = v;
                float[] z = new float[h * hd];
                for (int head = 0; head < h; head++) {
                    int kvHead = head / (h / kvh);
                    double[] att = new double[pos + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int t = 0; t <= pos; t++) {
                        double dot = 0;
                        for (int i = 0; i < hd; i++) dot += q[head * hd + i] * keys[l][t][kvHead * hd + i];
                        att[t] = dot / Math.sqrt(hd);
                        max = Math.max(max, att[t]);
                    }
                    double sum = 0;
                    for (int t = 0; t <= pos; t++) sum += att[t] = Math.exp(att[t] - max);
                    for (int t = 0; t <= pos; t++) {
                        for (int i = 0; i < hd; i++) {
                            z[head * hd + i] += (float) (att[t] / sum * vals[l][t][kvHead * hd + i]);
                        }
                    }
                }
                if (kind == Kind.GPT2) {
                    String p = "h." + l + ".";
                    float[] o = inOut(z, w.get(p + "attn.c_proj.weight"), d);
                    add(o, w.get(p + "attn.c_proj.bias"));
                    add(x, o);
                    float[] xn = layerNorm(x, w.get(p + "ln_2.weight"), w.get(p + "ln_2.bias"), eps);
                    float[] pre = inOut(xn, w.get(p + "mlp.c_fc.weight"), s.dMlp());
                    add(pre, w.get(p + "mlp.c_fc.bias"));
                    for (int i = 0; i < pre.length; i++) {
                        double a = pre[i];
                        pre[i] = (float) (0.5 * a * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (a + 0.044715 * a * a * a))));
                    }
                    if (ov != null && ov.layer() == l && ov.position() == pos) pre = ov.values().clone();
                    if (plus != null && plus.layer() == l) pre[plus.unit()] += plus.amount();
                    if (post != null) post[l][pos] = pre.clone();
                    float[] m = inOut(pre, w.get(p + "mlp.c_proj.weight"), d);
                    add(m, w.get(p + "mlp.c_proj.bias"));
                    add(x, m);
                } else {
                    String p = "model.layers." + l + ".";
                    add(x, outIn(z, w.get(p + "self_attn.o_proj.weight"), d));
                    float[] xn = rms(x, w.get(p + "post_attention_layernorm.weight"), eps);
                    float[] g = outIn(xn, w.get(p + "mlp.gate_proj.weight"), s.dMlp());
                    float[] u = outIn(xn, w.get(p + "mlp.up_proj.weight"), s.dMlp());
                    for (int i = 0; i < g.length; i++) g[i] = (float) (g[i] / (1 + Math.exp(-g[i])) * u[i]);
                    if (ov != null && ov.layer() == l && ov.position() == pos) g = ov.values().clone();
                    if (plus != null && plus.layer() == l) g[plus.unit()] += plus.amount();
                    if (post != null) post[l][pos] = g.clone();
                    add(x, outIn(g, w.get(p + "mlp.down_proj.weight"), d));
                }
            }
            float[] xf;
            float[] head;
            if (kind == Kind.GPT2) {
                xf = layerNorm(x, w.get("ln_f.weight"), w.get("ln_f.bias"), eps);
                head = w.get("wte.weight");
            } else {
                xf = rms(x, w.get("model.norm.weight"), eps);
                head = w.getOrDefault("lm_head.weight", w.get("model.embed_tokens.weight"));
            }
            out[pos] = outIn(xf, head, s.vocab());
        }
        return out;
    }

    /** run.c's rope: for i in 0..dim step 2, rotate (v[i], v[i+1]) by pos / 10000^((i % hs) / hs). */
    private static void ropePairs(float[] q, float[] k, int hs, int kvDim, int pos) {
        for (int i = 0; i < q.length; i += 2) {
            int headDim = i % hs;
            float freq = (float) (1.0 / Math.pow(10000.0f, headDim / (float) hs));
            float val = pos * freq;
            float fcr = (float) Math.cos(val);
            float fci = (float) Math.sin(val);
            int rotn = i < kvDim ? 2 : 1;
            for (int vi = 0; vi < rotn; vi++) {
                float[] vec = vi == 0 ? q : k;
                float v0 = vec[i];
                float v1 = vec[i + 1];
                vec[i] = v0 * fcr - v1 * fci;
                vec[i + 1] = v0 * fci + v1 * fcr;
            }
        }
    }

    private static void ropeHalves(float[] x, int heads, int hd, int pos, double theta) {
        int half = hd / 2;
        for (int head = 0; head < heads; head++) {
            for (int i = 0; i < half; i++) {
                double angle = pos / Math.pow(theta, 2.0 * i / hd);
                double c = Math.cos(angle);
                double sn = Math.sin(angle);
                int a = head * hd + i;
                int b = a + half;
                float x1 = x[a];
                float x2 = x[b];
                x[a] = (float) (x1 * c - x2 * sn);
                x[b] = (float) (x2 * c + x1 * sn);
            }
        }
    }

    private static float[] layerNorm(float[] x, float[] g, float[] b, float eps) {
        double mean = 0;
        for (float f : x) mean += f;
        mean /= x.length;
        double var = 0;
        for (float f : x) var += (f - mean) * (f - mean);
        var /= x.length;
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = (float) ((x[i] - mean) / Math.sqrt(var + eps) * g[i] + b[i]);
        return y;
    }

    private static float[] rms(float[] x, float[] g, float eps) {
        double ss = 0;
        for (float f : x) ss += f * f;
        double scale = 1 / Math.sqrt(ss / x.length + eps);
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = (float) (x[i] * scale * g[i]);
        return y;
    }

    /** y = x W with W stored [in, out]. */
    private static float[] inOut(float[] x, float[] w, int out) {
        float[] y = new float[out];
        for (int i = 0; i < x.length; i++) for (int j = 0; j < out; j++) y[j] += x[i] * w[i * out + j];
        return y;
    }

    /** y = W x with W stored [out, in]. */
    private static float[] outIn(float[] x, float[] w, int out) {
        float[] y = new float[out];
        for (int j = 0; j < out; j++) {
            double acc = 0;
            for (int i = 0; i < x.length; i++) acc += w[j * x.length + i] * x[i];
            y[j] = (float) acc;
        }
        return y;
    }

    private static void add(float[] a, float[] b) {
        for (int i = 0; i < a.length; i++) a[i] += b[i];
    }

    private static float[] slice(float[] a, int from, int to) {
        return java.util.Arrays.copyOfRange(a, from, to);
    }
}
