package lantern.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import lantern.subject.decoder.DecoderConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes trained weights as a Hugging Face Llama folder that {@code HfCheckpoint} (and transformers) read. */
public final class HfFolder {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HfFolder() {
    }

    public static Map<String, Object> config(DecoderConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architectures", new String[]{"LlamaForCausalLM"});
        m.put("model_type", "llama");
        m.put("hidden_size", c.dModel());
        m.put("intermediate_size", c.dMlp());
        m.put("num_hidden_layers", c.layers());
        m.put("num_attention_heads", c.heads());
        m.put("num_key_value_heads", c.kvHeads());
        m.put("head_dim", c.headDim());
        m.put("vocab_size", c.vocabSize());
        m.put("max_position_embeddings", c.contextLength());
        m.put("rms_norm_eps", c.normEps());
        m.put("rope_theta", c.ropeTheta());
        m.put("hidden_act", "silu");
        m.put("tie_word_embeddings", c.tiedEmbeddings());
        m.put("attention_bias", false);
        m.put("bos_token_id", BpeTrainer.END_OF_TEXT);
        m.put("eos_token_id", BpeTrainer.END_OF_TEXT);
        m.put("torch_dtype", "float32");
        return m;
    }

    /** config.json, model.safetensors and a copy of tokenizer.json into {@code dir}. */
    public static void write(Path dir, ModelParameters params, Path tokenizerJson) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("config.json").toFile(), config(params.config()));
        params.writeSafetensors(dir.resolve("model.safetensors"));
        Files.copy(tokenizerJson, dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
    }
}
