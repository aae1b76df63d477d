package lantern.subject.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * All weights of a decoder as fp32 NDArrays owned by one manager, read from a {@link TensorSource} under Hugging
 * Face names (GPT-2: {@code h.0.attn.c_attn.weight}, Llama: {@code model.layers.0.self_attn.q_proj.weight}).
 * Every tensor's shape is checked against the config, so a mismatched checkpoint fails with a clear message.
 *
 * @param posEmbed learned positions [ctx, d] (GPT-2) or null
 * @param unembed  the LM head as [d, vocab] (a transposed view of the embedding when tied)
 */
public record DecoderWeights(NDArray embed, NDArray posEmbed, List<LayerWeights> layers, NDArray normFinal,
                             NDArray normFinalBias, NDArray unembed) {

    /** The largest tensor (in fp32 bytes) read in one piece; larger ones are read in row blocks and joined. */
    private static final long MAX_CHUNK_BYTES = 1L << 30;

    public static DecoderWeights load(NDManager m, DecoderConfig c, TensorSource src) {
        return c.isGpt2() ? loadGpt2(m, c, src) : loadLlama(m, c, src);
    }

    private static DecoderWeights loadGpt2(NDManager m, DecoderConfig c, TensorSource s) {
        int d = c.dModel();
        NDArray wte = read(m, s, "wte.weight", c.vocabSize(), d);
        NDArray wpe = read(m, s, "wpe.weight", c.contextLength(), d);
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < c.layers(); l++) {
            String p = "h." + l + ".";
            // GPT-2's Conv1D stores [in, out]: exactly the layout x.matMul(w) wants.
            layers.add(new LayerWeights(
                    read(m, s, p + "ln_1.weight", d), read(m, s, p + "ln_1.bias", d),
                    read(m, s, p + "attn.c_attn.weight", d, 3L * d), read(m, s, p + "attn.c_attn.bias", 3L * d),
                    read(m, s, p + "attn.c_proj.weight", d, d), read(m, s, p + "attn.c_proj.bias", d),
                    read(m, s, p + "ln_2.weight", d), read(m, s, p + "ln_2.bias", d),
                    read(m, s, p + "mlp.c_fc.weight", d, c.dMlp()), read(m, s, p + "mlp.c_fc.bias", c.dMlp()),
                    read(m, s, p + "mlp.c_proj.weight", c.dMlp(), d), read(m, s, p + "mlp.c_proj.bias", d)));
        }
        NDArray lnf = read(m, s, "ln_f.weight", d);
        NDArray lnfb = read(m, s, "ln_f.bias", d);
        NDArray unembed = c.tiedEmbeddings() || !s.has("lm_head.weight")
                ? wte.transpose() : read(m, s, "lm_head.weight", c.vocabSize(), d).transpose();
        return new DecoderWeights(wte, wpe, layers, lnf, lnfb, unembed);
    }

    private static DecoderWeights loadLlama(NDManager m, DecoderConfig c, TensorSource s) {
        int d = c.dModel();
        NDArray embed = read(m, s, "model.embed_tokens.weight", c.vocabSize(), d);
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < c.layers(); l++) {
            String p = "model.layers." + l + ".";
            String a = p + "self_attn.";
            NDArray qkv = joinColumns(
                    read(m, s, a + "q_proj.weight", c.qWidth(), d).transpose(),
                    read(m, s, a + "k_proj.weight", c.kvWidth(), d).transpose(),
                    read(m, s, a + "v_proj.weight", c.kvWidth(), d).transpose());
            NDArray qkvBias = null;
            if (s.has(a + "q_proj.bias")) { // Qwen2 (and Llama with attention_bias) carry q/k/v biases
                qkvBias = joinColumns(read(m, s, a + "q_proj.bias", c.qWidth()),
                        read(m, s, a + "k_proj.bias", c.kvWidth()), read(m, s, a + "v_proj.bias", c.kvWidth()));
            }
            NDArray o = read(m, s, a + "o_proj.weight", d, c.qWidth()).transpose();
            NDArray oBias = s.has(a + "o_proj.bias") ? read(m, s, a + "o_proj.bias", d) : null;
            NDArray gateUp = joinColumns(
                    read(m, s, p + "mlp.gate_proj.weight", c.dMlp(), d).transpose(),
                    read(m, s, p + "mlp.up_proj.weight", c.dMlp(), d).transpose());
            NDArray down = read(m, s, p + "mlp.down_proj.weight", d, c.dMlp()).transpose();
            layers.add(new LayerWeights(read(m, s, p + "input_layernorm.weight", d), null, qkv, qkvBias, o, oBias,
                    read(m, s, p + "post_attention_layernorm.weight", d), null, gateUp, null, down, null));
        }
        NDArray norm = read(m, s, "model.norm.weight", d);
        boolean tied = c.tiedEmbeddings() || !s.has("lm_head.weight");
        NDArray unembed = tied ? embed.transpose() : read(m, s, "lm_head.weight", c.vocabSize(), d).transpose();
        return new DecoderWeights(embed, null, layers, norm, null, unembed);
    }

    private static NDArray joinColumns(NDArray... parts) {
        NDArray joined = NDArrays.concat(new NDList(parts), parts[0].getShape().dimension() - 1);
        for (NDArray p : parts) p.close();
        return joined;
    }

    /** Reads one tensor, checking its shape; large tensors come in row blocks so no buffer passes 2 GB. */
    static NDArray read(NDManager m, TensorSource s, String name, long... shape) {
        if (!s.has(name)) throw new IllegalArgumentException("checkpoint has no tensor '" + name + "'");
        long[] got = s.shape(name);
        if (!Arrays.equals(got, shape)) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(got)
                    + " but the config says " + Arrays.toString(shape));
        }
        long n = new Shape(shape).size();
        if (n * 4 <= MAX_CHUNK_BYTES || shape.length < 2) {
            return create(m, s.read(name, 0, n), new Shape(shape));
        }
        long rowLen = n / shape[0];
        long rowsPerChunk = Math.max(1, MAX_CHUNK_BYTES / (rowLen * 4));
        NDList chunks = new NDList();
        for (long r = 0; r < shape[0]; r += rowsPerChunk) {
            long rows = Math.min(rowsPerChunk, shape[0] - r);
            long[] cs = shape.clone();
            cs[0] = rows;
            chunks.add(create(m, s.read(name, r * rowLen, (r + rows) * rowLen), new Shape(cs)));
        }
        NDArray all = NDArrays.concat(chunks, 0);
        chunks.close();
        return all;
    }

    private static NDArray create(NDManager m, ByteBuffer data, Shape shape) {
        return m.create(data, shape, DataType.FLOAT32);
    }
}
