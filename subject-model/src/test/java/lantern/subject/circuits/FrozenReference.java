package lantern.subject.circuits;

import ai.djl.ndarray.NDArray;
import lantern.subject.decoder.DecoderConfig;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.LayerWeights;
import lantern.subject.transcoder.Transcoder;

/**
 * An independent plain-Java (double) forward pass of the frozen replacement model: attention patterns and norm
 * denominators given, each MLP's output given per position (the sum of its nodes), the embedding given per
 * position. Returns every layer's feature pre-activations (through the transcoder's encoder) and the final logits.
 */
final class FrozenReference {
    final DecoderConfig c;
    final int d, t, layers, vocab;
    final double[] embed, posEmbed, normF, normFB, unembed;
    final double[][] n1, n1b, qkv, qkvB, out, outB, n2, n2b;
    final double[][][][] pattern; // [l][h][q][k]
    final double[][] s1, s2;      // [l][p]
    final double[] sf;            // [p]

    FrozenReference(DecoderModel model, LocalReplacement r) {
        c = model.config();
        d = c.dModel();
        t = r.t;
        layers = c.layers();
        vocab = c.vocabSize();
        var w = model.weights();
        embed = dbl(w.embed());
        posEmbed = w.posEmbed() == null ? null : dbl(w.posEmbed());
        normF = dbl(w.normFinal());
        normFB = w.normFinalBias() == null ? null : dbl(w.normFinalBias());
        unembed = dbl(w.unembed());
        n1 = new double[layers][]; n1b = new double[layers][]; qkv = new double[layers][]; qkvB = new double[layers][];
        out = new double[layers][]; outB = new double[layers][]; n2 = new double[layers][]; n2b = new double[layers][];
        pattern = new double[layers][][][];
        s1 = new double[layers][];
        s2 = new double[layers][];
        for (int l = 0; l < layers; l++) {
            LayerWeights lw = w.layers().get(l);
            n1[l] = dbl(lw.norm1()); n1b[l] = lw.norm1Bias() == null ? null : dbl(lw.norm1Bias());
            qkv[l] = dbl(lw.qkv()); qkvB[l] = lw.qkvBias() == null ? null : dbl(lw.qkvBias());
            out[l] = dbl(lw.out()); outB[l] = lw.outBias() == null ? null : dbl(lw.outBias());
            n2[l] = dbl(lw.norm2()); n2b[l] = lw.norm2Bias() == null ? null : dbl(lw.norm2Bias());
            double[] p = dbl(r.pattern[l]);
            int h = c.heads();
            pattern[l] = new double[h][t][t];
            for (int a = 0; a < h; a++) for (int q = 0; q < t; q++) for (int k = 0; k < t; k++) {
                pattern[l][a][q][k] = p[(a * t + q) * t + k];
            }
            s1[l] = dbl(r.sigma1[l]);
            s2[l] = dbl(r.sigma2[l]);
        }
        sf = dbl(r.sigmaFinal);
    }

    static double[] dbl(NDArray a) {
        float[] f = a.toFloatArray();
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) out[i] = f[i];
        return out;
    }

    /** Result: mid[l][p][d] (residual before each MLP) and the final logits at the last position. */
    record Result(double[][][] mid, double[] logits) {
        /** The logit minus the vocabulary mean. */
        double demeaned(int token) {
            double mean = 0;
            for (double v : logits) mean += v;
            return logits[token] - mean / logits.length;
        }
    }

    /**
     * @param tokenVec per position, the token-embedding node's vector [t][d]
     * @param mlpOut   per layer and position, the MLP output [l][t][d]
     */
    Result run(double[][] tokenVec, double[][][] mlpOut) {
        double[][] x = new double[t][d];
        for (int p = 0; p < t; p++) for (int i = 0; i < d; i++) {
            x[p][i] = tokenVec[p][i] + (posEmbed == null ? 0 : posEmbed[p * d + i]);
        }
        int h = c.heads(), kvh = c.kvHeads(), hd = c.headDim(), qw = c.qWidth(), kw = c.kvWidth();
        int width = qw + 2 * kw;
        double[][][] mid = new double[layers][][];
        for (int l = 0; l < layers; l++) {
            double[][] v = new double[t][kw];
            for (int p = 0; p < t; p++) {
                double[] hn = norm(x[p], s1[l][p], n1[l], n1b[l]);
                for (int j = 0; j < kw; j++) {
                    double s = qkvB[l] == null ? 0 : qkvB[l][qw + kw + j];
                    for (int i = 0; i < d; i++) s += hn[i] * qkv[l][i * width + qw + kw + j];
                    v[p][j] = s;
                }
            }
            double[][] nx = new double[t][];
            for (int q = 0; q < t; q++) {
                double[] z = new double[qw];
                for (int a = 0; a < h; a++) {
                    int kvHead = a / (h / kvh);
                    for (int k = 0; k < t; k++) {
                        double pa = pattern[l][a][q][k];
                        for (int j = 0; j < hd; j++) z[a * hd + j] += pa * v[k][kvHead * hd + j];
                    }
                }
                nx[q] = x[q].clone();
                for (int i = 0; i < d; i++) {
                    double s = outB[l] == null ? 0 : outB[l][i];
                    for (int j = 0; j < qw; j++) s += z[j] * out[l][j * d + i];
                    nx[q][i] += s;
                }
            }
            mid[l] = new double[t][];
            for (int p = 0; p < t; p++) {
                mid[l][p] = nx[p].clone();
                for (int i = 0; i < d; i++) nx[p][i] += mlpOut[l][p][i];
            }
            x = nx;
        }
        double[] y = norm(x[t - 1], sf[t - 1], normF, normFB);
        double[] logits = new double[vocab];
        for (int v2 = 0; v2 < vocab; v2++) {
            double s = 0;
            for (int i = 0; i < d; i++) s += y[i] * unembed[i * vocab + v2];
            logits[v2] = s;
        }
        return new Result(mid, logits);
    }

    /** A feature's pre-activation from the residual before its MLP. */
    double preActivation(Result res, Transcoder tc, int layer, int pos, int feature) {
        double[] in = norm(res.mid[layer][pos], s2[layer][pos], n2[layer], n2b[layer]);
        float[] col = tc.encoderColumn(feature);
        double s = tc.encoderBias(feature);
        for (int i = 0; i < d; i++) s += in[i] * col[i];
        return s;
    }

    double[] norm(double[] x, double sigma, double[] g, double[] b) {
        double mean = 0;
        if (c.isGpt2()) {
            for (double v : x) mean += v;
            mean /= d;
        }
        double[] y = new double[d];
        for (int i = 0; i < d; i++) y[i] = (x[i] - mean) / sigma * g[i] + (b == null ? 0 : b[i]);
        return y;
    }
}
