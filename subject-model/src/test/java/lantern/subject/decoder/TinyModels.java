package lantern.subject.decoder;

import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.subject.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes small random-weight checkpoints the way the real tools lay them out (HF directories, llama2.c .bin and
 * tokenizer.bin), and keeps the weights in memory for the reference implementation. Random weights: these models
 * check arithmetic and plumbing, never language.
 */
public final class TinyModels {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Shape of a tiny model. */
    public record Spec(int d, int layers, int heads, int kvHeads, int dMlp, int vocab, int ctx) {
        int hd() {
            return d / heads;
        }
    }

    public static final Spec SMALL = new Spec(16, 2, 4, 2, 32, 64, 32);

    private TinyModels() {
    }

    static float[] randn(Random r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * scale);
        return a;
    }

    static float[] around1(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (1 + 0.1 * r.nextGaussian());
        return a;
    }

    // ---------- GPT-2 ----------

    public static Map<String, float[]> gpt2Weights(Spec s, long seed) {
        Random r = new Random(seed);
        Map<String, float[]> w = new LinkedHashMap<>();
        w.put("wte.weight", randn(r, s.vocab() * s.d(), 0.5));
        w.put("wpe.weight", randn(r, s.ctx() * s.d(), 0.2));
        for (int l = 0; l < s.layers(); l++) {
            String p = "h." + l + ".";
            w.put(p + "ln_1.weight", around1(r, s.d()));
            w.put(p + "ln_1.bias", randn(r, s.d(), 0.1));
            w.put(p + "attn.c_attn.weight", randn(r, s.d() * 3 * s.d(), 0.4));
            w.put(p + "attn.c_attn.bias", randn(r, 3 * s.d(), 0.1));
            w.put(p + "attn.c_proj.weight", randn(r, s.d() * s.d(), 0.3));
            w.put(p + "attn.c_proj.bias", randn(r, s.d(), 0.1));
            w.put(p + "ln_2.weight", around1(r, s.d()));
            w.put(p + "ln_2.bias", randn(r, s.d(), 0.1));
            w.put(p + "mlp.c_fc.weight", randn(r, s.d() * s.dMlp(), 0.3));
            w.put(p + "mlp.c_fc.bias", randn(r, s.dMlp(), 0.1));
            w.put(p + "mlp.c_proj.weight", randn(r, s.dMlp() * s.d(), 0.3));
            w.put(p + "mlp.c_proj.bias", randn(r, s.d(), 0.1));
        }
        w.put("ln_f.weight", around1(r, s.d()));
        w.put("ln_f.bias", randn(r, s.d(), 0.1));
        return w;
    }

    static Map<String, long[]> gpt2Shapes(Spec s) {
        Map<String, long[]> sh = new LinkedHashMap<>();
        sh.put("wte.weight", new long[]{s.vocab(), s.d()});
        sh.put("wpe.weight", new long[]{s.ctx(), s.d()});
        for (int l = 0; l < s.layers(); l++) {
            String p = "h." + l + ".";
            sh.put(p + "ln_1.weight", new long[]{s.d()});
            sh.put(p + "ln_1.bias", new long[]{s.d()});
            sh.put(p + "attn.c_attn.weight", new long[]{s.d(), 3L * s.d()});
            sh.put(p + "attn.c_attn.bias", new long[]{3L * s.d()});
            sh.put(p + "attn.c_proj.weight", new long[]{s.d(), s.d()});
            sh.put(p + "attn.c_proj.bias", new long[]{s.d()});
            sh.put(p + "ln_2.weight", new long[]{s.d()});
            sh.put(p + "ln_2.bias", new long[]{s.d()});
            sh.put(p + "mlp.c_fc.weight", new long[]{s.d(), s.dMlp()});
            sh.put(p + "mlp.c_fc.bias", new long[]{s.dMlp()});
            sh.put(p + "mlp.c_proj.weight", new long[]{s.dMlp(), s.d()});
            sh.put(p + "mlp.c_proj.bias", new long[]{s.d()});
        }
        sh.put("ln_f.weight", new long[]{s.d()});
        sh.put("ln_f.bias", new long[]{s.d()});
        return sh;
    }

    /** A GPT-2 HF directory; {@code prefix} "transformer." mimics GPT2LMHeadModel saves. */
    public static Path writeGpt2(Path dir, Spec s, Map<String, float[]> w, String dtype, String prefix)
            throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("model_type", "gpt2");
        cfg.put("n_embd", s.d());
        cfg.put("n_layer", s.layers());
        cfg.put("n_head", s.heads());
        cfg.put("n_positions", s.ctx());
        cfg.put("vocab_size", s.vocab());
        cfg.put("layer_norm_epsilon", 1e-5);
        cfg.put("activation_function", "gelu_new");
        cfg.put("n_inner", s.dMlp());
        JSON.writeValue(dir.resolve("config.json").toFile(), cfg);
        SafetensorsWriter out = new SafetensorsWriter();
        gpt2Shapes(s).forEach((name, shape) -> out.add(prefix + name, w.get(name), shape, dtype));
        out.write(dir.resolve("model.safetensors"));
        writeWordLevelTokenizer(dir, s.vocab());
        return dir;
    }

    // ---------- Llama family ----------

    public static Map<String, float[]> llamaWeights(Spec s, long seed, boolean qkvBias, boolean tied) {
        Random r = new Random(seed);
        int hd = s.hd();
        int q = s.heads() * hd;
        int kv = s.kvHeads() * hd;
        Map<String, float[]> w = new LinkedHashMap<>();
        w.put("model.embed_tokens.weight", randn(r, s.vocab() * s.d(), 0.5));
        for (int l = 0; l < s.layers(); l++) {
            String p = "model.layers." + l + ".";
            w.put(p + "input_layernorm.weight", around1(r, s.d()));
            w.put(p + "self_attn.q_proj.weight", randn(r, q * s.d(), 0.4));
            w.put(p + "self_attn.k_proj.weight", randn(r, kv * s.d(), 0.4));
            w.put(p + "self_attn.v_proj.weight", randn(r, kv * s.d(), 0.4));
            if (qkvBias) {
                w.put(p + "self_attn.q_proj.bias", randn(r, q, 0.2));
                w.put(p + "self_attn.k_proj.bias", randn(r, kv, 0.2));
                w.put(p + "self_attn.v_proj.bias", randn(r, kv, 0.2));
            }
            w.put(p + "self_attn.o_proj.weight", randn(r, s.d() * q, 0.3));
            w.put(p + "post_attention_layernorm.weight", around1(r, s.d()));
            w.put(p + "mlp.gate_proj.weight", randn(r, s.dMlp() * s.d(), 0.3));
            w.put(p + "mlp.up_proj.weight", randn(r, s.dMlp() * s.d(), 0.3));
            w.put(p + "mlp.down_proj.weight", randn(r, s.d() * s.dMlp(), 0.3));
        }
        w.put("model.norm.weight", around1(r, s.d()));
        if (!tied) w.put("lm_head.weight", randn(r, s.vocab() * s.d(), 0.5));
        return w;
    }

    static long[] llamaShape(Spec s, String name) {
        int hd = s.hd();
        long q = (long) s.heads() * hd;
        long kv = (long) s.kvHeads() * hd;
        if (name.endsWith("embed_tokens.weight") || name.equals("lm_head.weight")) return new long[]{s.vocab(), s.d()};
        if (name.endsWith("layernorm.weight") || name.equals("model.norm.weight")) return new long[]{s.d()};
        if (name.endsWith("q_proj.weight")) return new long[]{q, s.d()};
        if (name.endsWith("k_proj.weight") || name.endsWith("v_proj.weight")) return new long[]{kv, s.d()};
        if (name.endsWith("q_proj.bias")) return new long[]{q};
        if (name.endsWith("k_proj.bias") || name.endsWith("v_proj.bias")) return new long[]{kv};
        if (name.endsWith("o_proj.weight")) return new long[]{s.d(), q};
        if (name.endsWith("gate_proj.weight") || name.endsWith("up_proj.weight")) return new long[]{s.dMlp(), s.d()};
        if (name.endsWith("down_proj.weight")) return new long[]{s.d(), s.dMlp()};
        throw new IllegalArgumentException(name);
    }

    /** A Llama-family HF directory, split over two shards to exercise sharded loading. */
    public static Path writeLlama(Path dir, Spec s, Map<String, float[]> w, String modelType, boolean tied,
                                  double ropeTheta, String dtype) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("model_type", modelType);
        cfg.put("hidden_size", s.d());
        cfg.put("intermediate_size", s.dMlp());
        cfg.put("num_hidden_layers", s.layers());
        cfg.put("num_attention_heads", s.heads());
        cfg.put("num_key_value_heads", s.kvHeads());
        cfg.put("max_position_embeddings", s.ctx());
        cfg.put("vocab_size", s.vocab());
        cfg.put("rms_norm_eps", 1e-6);
        cfg.put("rope_theta", ropeTheta);
        cfg.put("tie_word_embeddings", tied);
        cfg.put("hidden_act", "silu");
        cfg.put("eos_token_id", 1);
        JSON.writeValue(dir.resolve("config.json").toFile(), cfg);
        SafetensorsWriter a = new SafetensorsWriter();
        SafetensorsWriter b = new SafetensorsWriter();
        int i = 0;
        for (var e : w.entrySet()) {
            (i++ % 2 == 0 ? a : b).add(e.getKey(), e.getValue(), llamaShape(s, e.getKey()), dtype);
        }
        a.write(dir.resolve("model-00001-of-00002.safetensors"));
        b.write(dir.resolve("model-00002-of-00002.safetensors"));
        writeWordLevelTokenizer(dir, s.vocab());
        return dir;
    }

    // ---------- tokenizers ----------

    /** Words the tiny HF tokenizer knows (ids in this order; "[UNK]" is 0). */
    static List<String> words(int vocab) {
        List<String> base = List.of("[UNK]", "the", "cat", "sat", "on", "mat", "a", "dog", "ran", "->", "?",
                "hello", "1135", "Syria", ":", "Country", "in", "Middle", "East", ",", "x", "of", "official",
                "currency", "The", "is", "Paris", "France", "capital", ".", "Once", "upon", "time");
        var all = new java.util.ArrayList<>(base);
        for (int i = all.size(); i < vocab; i++) all.add("w" + i);
        return all.subList(0, vocab);
    }

    static void writeWordLevelTokenizer(Path dir, int vocab) throws IOException {
        Map<String, Integer> v = new LinkedHashMap<>();
        List<String> ws = words(vocab);
        for (int i = 0; i < ws.size(); i++) v.put(ws.get(i), i);
        Map<String, Object> tj = new LinkedHashMap<>();
        tj.put("version", "1.0");
        tj.put("truncation", null);
        tj.put("padding", null);
        tj.put("added_tokens", List.of(Map.of("id", 0, "content", "[UNK]", "single_word", false, "lstrip", false,
                "rstrip", false, "normalized", false, "special", true)));
        tj.put("normalizer", null);
        tj.put("pre_tokenizer", Map.of("type", "Whitespace"));
        tj.put("post_processor", null);
        tj.put("decoder", null);
        tj.put("model", Map.of("type", "WordLevel", "vocab", v, "unk_token", "[UNK]"));
        JSON.writeValue(dir.resolve("tokenizer.json").toFile(), tj);
    }

    // ---------- llama2.c ----------

    /**
     * A legacy llama2.c checkpoint from HF-named weights (which here play the role of llama2.c's own arrays: no
     * permutation is applied on write; the reference reads them with run.c's pair-wise RoPE).
     */
    public static Path writeLlama2c(Path file, Spec s, Map<String, float[]> w, boolean shared) throws IOException {
        int hd = s.hd();
        List<String> order = new java.util.ArrayList<>();
        order.add("model.embed_tokens.weight");
        for (String suffix : List.of("input_layernorm.weight", "self_attn.q_proj.weight", "self_attn.k_proj.weight",
                "self_attn.v_proj.weight", "self_attn.o_proj.weight", "post_attention_layernorm.weight",
                "mlp.gate_proj.weight", "mlp.down_proj.weight", "mlp.up_proj.weight")) {
            for (int l = 0; l < s.layers(); l++) order.add("model.layers." + l + "." + suffix);
        }
        order.add("model.norm.weight");
        long floats = 0;
        for (String n : order) floats += w.get(n).length;
        floats += (long) s.ctx() * hd; // legacy freq_cis tables
        if (!shared) floats += w.get("lm_head.weight").length;
        ByteBuffer b = ByteBuffer.allocate((int) (28 + 4 * floats)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(s.d()).putInt(s.dMlp()).putInt(s.layers()).putInt(s.heads()).putInt(s.kvHeads())
                .putInt(shared ? s.vocab() : -s.vocab()).putInt(s.ctx());
        for (String n : order) for (float f : w.get(n)) b.putFloat(f);
        for (int i = 0; i < s.ctx() * hd; i++) b.putFloat(0.5f); // junk where freq_cis used to be
        if (!shared) for (float f : w.get("lm_head.weight")) b.putFloat(f);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, b.array());
        return file;
    }

    /**
     * A tokenizer.bin shaped like llama2.c's: &lt;unk&gt;, &lt;s&gt;, &lt;/s&gt;, 256 byte pieces, then
     * {@code pieces} with rising scores (later = merged first), padded to {@code vocab}.
     */
    public static Path writeTokenizerBin(Path file, int vocab, List<String> pieces) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        var all = new java.util.ArrayList<byte[]>();
        var scores = new java.util.ArrayList<Float>();
        all.add("<unk>".getBytes(StandardCharsets.UTF_8));
        all.add("\n<s>\n".getBytes(StandardCharsets.UTF_8));
        all.add("\n</s>\n".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 3; i++) scores.add(0f);
        for (int i = 0; i < 256; i++) {
            all.add(String.format("<0x%02X>", i).getBytes(StandardCharsets.US_ASCII));
            scores.add(0f);
        }
        for (int i = 0; i < pieces.size(); i++) {
            all.add(pieces.get(i).getBytes(StandardCharsets.UTF_8));
            scores.add(-1000f + i);
        }
        while (all.size() < vocab) {
            all.add(("<pad" + all.size() + ">").getBytes(StandardCharsets.UTF_8));
            scores.add(-1e6f);
        }
        int maxLen = all.stream().mapToInt(x -> x.length).max().orElse(1);
        ByteBuffer head = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(maxLen);
        out.write(head.array());
        for (int i = 0; i < vocab; i++) {
            ByteBuffer e = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                    .putFloat(scores.get(i)).putInt(all.get(i).length);
            out.write(e.array());
            out.write(all.get(i));
        }
        Files.write(file, out.toByteArray());
        return file;
    }
}
