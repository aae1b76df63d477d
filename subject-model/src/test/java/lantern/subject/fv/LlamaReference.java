package lantern.subject.fv;

import lantern.subject.decoder.TinyModels;

import java.util.Map;

/**
 * A plain-Java Llama forward pass (RMSNorm, q/k/v biases, rotate-half RoPE, causal attention, SwiGLU, untied head)
 * written from the Hugging Face definitions for the function-vector test: it reports each head's z at the last
 * token and lets a test replace it there, with no code shared with the model under test.
 */
final class LlamaReference {
    private final TinyModels.Spec s;
    private final Map<String, float[]> w;
    private final double theta;

    LlamaReference(TinyModels.Spec s, Map<String, float[]> w, double theta) {
        this.s = s;
        this.w = w;
        this.theta = theta;
    }

    /** What one run saw: z[layer][head][k] at the last token, and the last token's logits. */
    record Run(double[][][] z, double[] logits) {
    }

    /** {@code patch[l][h]} (null entries: leave alone) replaces head (l, h)'s z at the last token. */
    Run run(long[] ids, float[][][] patch) {
        int d = s.d(), nh = s.heads(), hd = d / nh, t = ids.length, f = s.dMlp();
        double[][] x = new double[t][d];
        float[] embed = w.get("model.embed_tokens.weight");
        for (int p = 0; p < t; p++) for (int j = 0; j < d; j++) x[p][j] = embed[(int) ids[p] * d + j];
        double[][][] lastZ = new double[s.layers()][nh][hd];
        for (int l = 0; l < s.layers(); l++) {
            String pre = "model.layers." + l + ".";
            double[][] q = new double[t][], k = new double[t][], v = new double[t][];
            for (int p = 0; p < t; p++) {
                double[] n = rms(x[p], w.get(pre + "input_layernorm.weight"));
                q[p] = rope(linear(n, w.get(pre + "self_attn.q_proj.weight"), w.get(pre + "self_attn.q_proj.bias"), nh * hd), p);
                k[p] = rope(linear(n, w.get(pre + "self_attn.k_proj.weight"), w.get(pre + "self_attn.k_proj.bias"), nh * hd), p);
                v[p] = linear(n, w.get(pre + "self_attn.v_proj.weight"), w.get(pre + "self_attn.v_proj.bias"), nh * hd);
            }
            double[][] z = new double[t][nh * hd];
            for (int p = 0; p < t; p++) {
                for (int h = 0; h < nh; h++) {
                    double[] score = new double[p + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= p; j++) {
                        double dot = 0;
                        for (int c = 0; c < hd; c++) dot += q[p][h * hd + c] * k[j][h * hd + c];
                        score[j] = dot / Math.sqrt(hd);
                        max = Math.max(max, score[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= p; j++) sum += score[j] = Math.exp(score[j] - max);
                    for (int j = 0; j <= p; j++) {
                        for (int c = 0; c < hd; c++) z[p][h * hd + c] += score[j] / sum * v[j][h * hd + c];
                    }
                    if (p == t - 1) {
                        if (patch != null && patch[l][h] != null) {
                            for (int c = 0; c < hd; c++) z[p][h * hd + c] = patch[l][h][c];
                        }
                        for (int c = 0; c < hd; c++) lastZ[l][h][c] = z[p][h * hd + c];
                    }
                }
            }
            for (int p = 0; p < t; p++) {
                double[] o = linear(z[p], w.get(pre + "self_attn.o_proj.weight"), null, d);
                for (int j = 0; j < d; j++) x[p][j] += o[j];
                double[] n = rms(x[p], w.get(pre + "post_attention_layernorm.weight"));
                double[] g = linear(n, w.get(pre + "mlp.gate_proj.weight"), null, f);
                double[] u = linear(n, w.get(pre + "mlp.up_proj.weight"), null, f);
                double[] a = new double[f];
                for (int c = 0; c < f; c++) a[c] = g[c] / (1 + Math.exp(-g[c])) * u[c];
                double[] m = linear(a, w.get(pre + "mlp.down_proj.weight"), null, d);
                for (int j = 0; j < d; j++) x[p][j] += m[j];
            }
        }
        double[] n = rms(x[t - 1], w.get("model.norm.weight"));
        return new Run(lastZ, linear(n, w.get("lm_head.weight"), null, s.vocab()));
    }

    /** y = W x + b with W stored [out, in] row-major (Hugging Face Linear). */
    private static double[] linear(double[] x, float[] wt, float[] b, int out) {
        int in = x.length;
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double acc = b == null ? 0 : b[o];
            for (int i = 0; i < in; i++) acc += wt[o * in + i] * x[i];
            y[o] = acc;
        }
        return y;
    }

    private static double[] rms(double[] x, float[] g) {
        double ms = 0;
        for (double v : x) ms += v * v;
        double inv = 1 / Math.sqrt(ms / x.length + 1e-6);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] * inv * g[i];
        return y;
    }

    /** HF rotate_half RoPE on every head of {@code x}, position {@code p}. */
    private double[] rope(double[] x, int p) {
        int hd = s.d() / s.heads(), half = hd / 2;
        double[] y = x.clone();
        for (int h = 0; h < s.heads(); h++) {
            for (int i = 0; i < half; i++) {
                double angle = p / Math.pow(theta, 2.0 * i / hd);
                double a = x[h * hd + i], b = x[h * hd + i + half];
                y[h * hd + i] = a * Math.cos(angle) - b * Math.sin(angle);
                y[h * hd + i + half] = b * Math.cos(angle) + a * Math.sin(angle);
            }
        }
        return y;
    }

    static double softmaxAt(double[] logits, int i) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) max = Math.max(max, l);
        double sum = 0;
        for (double l : logits) sum += Math.exp(l - max);
        return Math.exp(logits[i] - max) / sum;
    }
}
