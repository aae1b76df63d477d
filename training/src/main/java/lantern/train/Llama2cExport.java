package lantern.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.subject.decoder.DecoderConfig;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes trained weights as a llama2.c checkpoint ({@code run.c}'s legacy format: 7-int header, fp32 weights; a
 * negative vocabulary size marks an unshared classifier) and our byte-level BPE as its {@code tokenizer.bin}. The q
 * and k rows are permuted back to llama2.c's adjacent-pair RoPE layout (the inverse of what the loader undoes).
 * Byte tokens are written as {@code <0xXX>} pieces, as run.c's byte fallback expects at ids 3..258, and each merge
 * scores minus its rank, so run.c's greedy best-score merging follows the learned order.
 */
public final class Llama2cExport {
    private Llama2cExport() {
    }

    public static void write(ModelParameters params, Path bin, Path tokenizerJson, Path tokenizerBin) throws IOException {
        DecoderConfig c = params.config();
        Map<String, ModelParameters.Tensor> t = params.hfTensors();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(bin), 1 << 16)) {
            ByteBuffer h = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(c.dModel()).putInt(c.dMlp()).putInt(c.layers()).putInt(c.heads()).putInt(c.kvHeads())
                    .putInt(c.tiedEmbeddings() ? c.vocabSize() : -c.vocabSize()).putInt(c.contextLength());
            out.write(h.array());
            floats(out, t.get("model.embed_tokens.weight").values());
            perLayer(out, t, c, "input_layernorm.weight");
            for (int l = 0; l < c.layers(); l++) floats(out, unpermute(t.get(q(l)).values(), c.dModel(), c.headDim()));
            for (int l = 0; l < c.layers(); l++) {
                floats(out, unpermute(t.get("model.layers." + l + ".self_attn.k_proj.weight").values(), c.dModel(),
                        c.headDim()));
            }
            perLayer(out, t, c, "self_attn.v_proj.weight");
            perLayer(out, t, c, "self_attn.o_proj.weight");
            perLayer(out, t, c, "post_attention_layernorm.weight");
            perLayer(out, t, c, "mlp.gate_proj.weight");
            perLayer(out, t, c, "mlp.down_proj.weight");
            perLayer(out, t, c, "mlp.up_proj.weight");
            floats(out, t.get("model.norm.weight").values());
            floats(out, new float[c.contextLength() * c.headDim()]); // legacy freq_cis tables, unused by readers
            if (!c.tiedEmbeddings()) floats(out, t.get("lm_head.weight").values());
        }
        writeTokenizer(tokenizerJson, tokenizerBin, c.vocabSize());
    }

    private static String q(int l) {
        return "model.layers." + l + ".self_attn.q_proj.weight";
    }

    private static void perLayer(OutputStream out, Map<String, ModelParameters.Tensor> t, DecoderConfig c, String s)
            throws IOException {
        for (int l = 0; l < c.layers(); l++) floats(out, t.get("model.layers." + l + "." + s).values());
    }

    /** HF row r of each head goes back to llama2.c row (r < half ? 2r : 2(r - half) + 1). */
    static float[] unpermute(float[] hf, int cols, int headSize) {
        float[] out = new float[hf.length];
        int rows = hf.length / cols;
        int half = headSize / 2;
        for (int r = 0; r < rows; r++) {
            int within = r % headSize;
            int old = (r / headSize) * headSize + (within < half ? 2 * within : 2 * (within - half) + 1);
            System.arraycopy(hf, r * cols, out, old * cols, cols);
        }
        return out;
    }

    private static void floats(OutputStream out, float[] a) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(a);
        out.write(b.array());
    }

    static void writeTokenizer(Path tokenizerJson, Path out, int vocab) throws IOException {
        JsonNode model = new ObjectMapper().readTree(tokenizerJson.toFile()).path("model").path("vocab");
        String[] byId = new String[vocab];
        model.fields().forEachRemaining(e -> byId[e.getValue().asInt()] = e.getKey());
        List<byte[]> pieces = new ArrayList<>();
        int maxLen = 0;
        for (int i = 0; i < vocab; i++) {
            byte[] p;
            if (i == BpeTrainer.UNK) p = "<unk>".getBytes(StandardCharsets.UTF_8);
            else if (i == BpeTrainer.END_OF_TEXT) p = "\n<s>\n".getBytes(StandardCharsets.UTF_8);
            else if (i == BpeTrainer.PAD) p = "\n</s>\n".getBytes(StandardCharsets.UTF_8);
            else if (i < BpeTrainer.FIRST_BYTE + 256) p = String.format("<0x%02X>", i - BpeTrainer.FIRST_BYTE)
                    .getBytes(StandardCharsets.US_ASCII);
            else p = BpeTrainer.tokenBytes(byId[i]);
            pieces.add(p);
            maxLen = Math.max(maxLen, p.length);
        }
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out))) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            o.write(b.putInt(maxLen).array(), 0, 4);
            for (int i = 0; i < vocab; i++) {
                float score = i < BpeTrainer.FIRST_BYTE + 256 ? 0f : -(i - BpeTrainer.FIRST_BYTE - 256);
                b.clear();
                b.putFloat(score).putInt(pieces.get(i).length);
                o.write(b.array(), 0, 8);
                o.write(pieces.get(i));
            }
        }
    }
}
