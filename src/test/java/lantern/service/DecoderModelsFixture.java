package lantern.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import lantern.subject.decoder.DecoderRegistry;
import lantern.subject.decoder.Gpt2TokenizerTest;
import lantern.subject.decoder.TinyModels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Three random-weight decoders registered in a data folder: a GPT-2 layout with GPT-2's real byte-level BPE and
 * {@code bos_token_id}, a Llama layout (word-level tokenizer) and a llama2.c checkpoint with its tokenizer.bin. In the
 * GPT-2, neuron {@link #NEURON} of layer 1 writes exactly the unembedding direction of {@code " the"} (id 262).
 */
public final class DecoderModelsFixture {
    public static final TinyModels.Spec GPT2 = new TinyModels.Spec(16, 2, 4, 4, 32, 50257, 64);
    public static final TinyModels.Spec LLAMA = new TinyModels.Spec(16, 2, 4, 2, 32, 64, 64);
    public static final TinyModels.Spec L2C = new TinyModels.Spec(16, 2, 4, 2, 32, 300, 64);
    public static final int NEURON = 5;
    public static final int THE = 262;
    public static final List<String> L2C_PIECES = List.of(" ", "e", "t", "h", "th", "the", " the", "a", "n", " a", "an",
            " an", "d", " and", "o", "f", " of", "s", "i", "in", " in", "r", "er");

    public final Map<String, float[]> gpt2;
    public final Map<String, float[]> llama;
    public final Map<String, float[]> l2c;

    private DecoderModelsFixture(Map<String, float[]> gpt2, Map<String, float[]> llama, Map<String, float[]> l2c) {
        this.gpt2 = gpt2;
        this.llama = llama;
        this.l2c = l2c;
    }

    /** GPT-2 weights whose neuron NEURON of layer 1 writes 3 x the (enlarged) embedding of " the". */
    static Map<String, float[]> gpt2Weights() {
        Map<String, float[]> w = TinyModels.gpt2Weights(GPT2, 11);
        int d = GPT2.d();
        float[] wte = w.get("wte.weight");
        for (int i = 0; i < d; i++) wte[THE * d + i] *= 4;
        float[] proj = w.get("h.1.mlp.c_proj.weight"); // Conv1D [dMlp, d]: row n is neuron n's output vector
        for (int i = 0; i < d; i++) proj[NEURON * d + i] = 3 * wte[THE * d + i];
        return w;
    }

    /** Writes the three models under {@code data} (once) and registers them as tiny-gpt2, tiny-llama, tiny-l2c. */
    public static DecoderModelsFixture register(Path data) throws Exception {
        DecoderModelsFixture f = new DecoderModelsFixture(gpt2Weights(), TinyModels.llamaWeights(LLAMA, 12, false, false),
                TinyModels.llamaWeights(L2C, 13, false, true));
        Path g = data.resolve("models/tiny-gpt2");
        if (!Files.exists(g.resolve("model.safetensors"))) {
            TinyModels.writeGpt2(g, GPT2, f.gpt2, "F32", "");
            Gpt2TokenizerTest.writeTokenizerJson(g.resolve("tokenizer.json"));
            ObjectMapper json = new ObjectMapper();
            ObjectNode cfg = (ObjectNode) json.readTree(g.resolve("config.json").toFile());
            cfg.put("bos_token_id", 50256).put("eos_token_id", 50256);
            json.writeValue(g.resolve("config.json").toFile(), cfg);
        }
        Path l = data.resolve("models/tiny-llama");
        if (!Files.exists(l.resolve("config.json"))) TinyModels.writeLlama(l, LLAMA, f.llama, "llama", false, 10000, "F32");
        Path c = data.resolve("models/tiny-l2c");
        if (!Files.exists(c.resolve("model.bin"))) {
            TinyModels.writeLlama2c(c.resolve("model.bin"), L2C, f.l2c, true);
            TinyModels.writeTokenizerBin(c.resolve("tokenizer.bin"), L2C.vocab(), L2C_PIECES);
        }
        DecoderRegistry registry = new DecoderRegistry(data);
        registry.add("tiny-gpt2", g, null);
        registry.add("tiny-llama", l, null);
        registry.add("tiny-l2c", c.resolve("model.bin"), null);
        return f;
    }
}
