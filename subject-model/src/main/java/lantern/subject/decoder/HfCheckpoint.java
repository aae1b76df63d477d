package lantern.subject.decoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.subject.safetensors.SafetensorsFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Hugging Face model directory: {@code config.json}, one or many {@code *.safetensors} shards and
 * {@code tokenizer.json}. Reads the config into a {@link DecoderConfig} and offers the shards' tensors under
 * one namespace (GPT-2's optional {@code transformer.} prefix removed).
 */
public final class HfCheckpoint {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfCheckpoint() {
    }

    public static boolean looksLike(Path dir) {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve("config.json"));
    }

    public static DecoderConfig readConfig(Path dir) {
        Path file = dir.resolve("config.json");
        JsonNode c;
        try {
            c = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (c == null || !c.isObject()) throw new IllegalArgumentException(file + " is not a JSON object");
        String type = c.path("model_type").asText("");
        return switch (type) {
            case "gpt2" -> gpt2(c);
            case "llama", "mistral", "qwen2" -> llama(c, file);
            default -> throw new IllegalArgumentException("unsupported model_type '" + type + "' in " + file
                    + " (supported: gpt2, llama, mistral, qwen2)");
        };
    }

    private static DecoderConfig gpt2(JsonNode c) {
        int d = req(c, "n_embd");
        int heads = req(c, "n_head");
        String act = c.path("activation_function").asText("gelu_new");
        DecoderConfig.Activation a = switch (act) {
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> DecoderConfig.Activation.GELU_TANH;
            case "gelu" -> DecoderConfig.Activation.GELU_ERF;
            case "relu" -> DecoderConfig.Activation.RELU;
            default -> throw new IllegalArgumentException("unsupported GPT-2 activation_function " + act);
        };
        int ctx = c.has("n_positions") ? req(c, "n_positions") : req(c, "n_ctx");
        int inner = c.path("n_inner").isNumber() ? c.get("n_inner").asInt() : 4 * d;
        if (d % heads != 0) throw new IllegalArgumentException("n_embd " + d + " not divisible by n_head " + heads);
        return new DecoderConfig("gpt2", req(c, "n_layer"), d, heads, heads, d / heads, inner, req(c, "vocab_size"),
                ctx, (float) c.path("layer_norm_epsilon").asDouble(1e-5), 0, null, true, a);
    }

    private static DecoderConfig llama(JsonNode c, Path file) {
        String act = c.path("hidden_act").asText("silu");
        if (!act.equals("silu")) throw new IllegalArgumentException("unsupported hidden_act " + act + " in " + file);
        int d = req(c, "hidden_size");
        int heads = req(c, "num_attention_heads");
        int kv = c.path("num_key_value_heads").isNumber() ? c.get("num_key_value_heads").asInt() : heads;
        int headDim = c.path("head_dim").isNumber() ? c.get("head_dim").asInt() : d / heads;
        DecoderConfig.RopeScaling scaling = null;
        JsonNode rs = c.path("rope_scaling");
        if (rs.isObject()) {
            String type = rs.path("rope_type").asText(rs.path("type").asText(""));
            scaling = switch (type) {
                case "llama3" -> new DecoderConfig.RopeScaling("llama3", rs.path("factor").asDouble(8),
                        rs.path("low_freq_factor").asDouble(1), rs.path("high_freq_factor").asDouble(4),
                        rs.path("original_max_position_embeddings").asInt(8192));
                case "linear" -> new DecoderConfig.RopeScaling("linear", rs.path("factor").asDouble(1), 0, 0, 0);
                case "default" -> null;
                default -> throw new IllegalArgumentException("unsupported rope_scaling type '" + type + "' in "
                        + file);
            };
        }
        return new DecoderConfig("llama", req(c, "num_hidden_layers"), d, heads, kv, headDim,
                req(c, "intermediate_size"), req(c, "vocab_size"), c.path("max_position_embeddings").asInt(2048),
                (float) c.path("rms_norm_eps").asDouble(1e-6), c.path("rope_theta").asDouble(10000), scaling,
                c.path("tie_word_embeddings").asBoolean(false), DecoderConfig.Activation.SWIGLU);
    }

    private static int req(JsonNode c, String field) {
        JsonNode n = c.get(field);
        if (n == null || !n.canConvertToInt()) {
            throw new IllegalArgumentException("config.json lacks an integer '" + field + "'");
        }
        return n.asInt();
    }

    /** All safetensors shards of the directory as one tensor source. */
    public static TensorSource tensors(Path dir, DecoderConfig config) {
        List<Path> shards;
        try (Stream<Path> s = Files.list(dir)) {
            shards = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("no *.safetensors in " + dir
                    + " (only safetensors checkpoints are read; convert pytorch_model.bin first)");
        }
        List<SafetensorsFile> files = new ArrayList<>();
        Map<String, SafetensorsFile> byName = new HashMap<>();
        Map<String, String> stored = new HashMap<>();
        try {
            for (Path p : shards) {
                SafetensorsFile f = SafetensorsFile.open(p);
                files.add(f);
                for (String name : f.tensors().keySet()) {
                    String key = config.isGpt2() && name.startsWith("transformer.")
                            ? name.substring("transformer.".length()) : name;
                    byName.put(key, f);
                    stored.put(key, name);
                }
            }
        } catch (RuntimeException e) {
            files.forEach(SafetensorsFile::close);
            throw e;
        }
        return new TensorSource() {
            @Override
            public boolean has(String name) {
                return byName.containsKey(name);
            }

            @Override
            public long[] shape(String name) {
                return byName.get(name).info(stored.get(name)).shape();
            }

            @Override
            public ByteBuffer read(String name, long from, long to) {
                return byName.get(name).readFp32(stored.get(name), from, to);
            }

            @Override
            public void close() {
                files.forEach(SafetensorsFile::close);
            }
        };
    }
}
