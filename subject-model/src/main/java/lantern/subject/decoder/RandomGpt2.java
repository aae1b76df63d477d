package lantern.subject.decoder;

import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.subject.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A random-weight GPT-2 in a real shape, written as an ordinary Hugging Face folder ({@code config.json},
 * {@code model.safetensors}, a word-level {@code tokenizer.json} of the same vocabulary size) for benches: weights do
 * not change speed, so random ones in the real shape measure it. Initialised as GPT-2 is (N(0, 0.02) matrices, output
 * projections scaled by 1/sqrt(2 × layers), zero biases, unit norms). A folder is written once (into a temp folder,
 * then renamed) and reused while its {@code .complete} marker names the same shape and seed.
 */
public final class RandomGpt2 {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A GPT-2 shape. */
    public record Shape(String name, int layers, int dModel, int heads, int dMlp, int vocab, int context) {
    }

    /** GPT-2 small: 12 layers, d_model 768, 12 heads, 3,072 neurons a layer, vocabulary 50,257, context 1,024. */
    public static final Shape GPT2_SMALL = new Shape("gpt2-small", 12, 768, 12, 3072, 50257, 1024);

    private RandomGpt2() {
    }

    public static Shape shape(String name) {
        if (GPT2_SMALL.name().equals(name)) return GPT2_SMALL;
        throw new IllegalArgumentException("unknown shape '" + name + "' (known: " + GPT2_SMALL.name() + ")");
    }

    /** The folder for a shape under {@code dir}, written now unless a complete one of that shape and seed is there. */
    public static Path ensure(Path dir, Shape s, long seed) throws IOException {
        String stamp = s + " seed=" + seed;
        Path marker = dir.resolve(".complete");
        if (Files.isRegularFile(marker) && Files.readString(marker).equals(stamp)) return dir;
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + "-");
        try {
            write(tmp, s, seed);
            Files.writeString(tmp.resolve(".complete"), stamp);
            if (Files.exists(dir)) {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) Files.delete(f);
                }
                Files.delete(dir);
            }
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(tmp)) {
                try (var files = Files.list(tmp)) {
                    for (Path f : files.toList()) Files.deleteIfExists(f);
                }
                Files.deleteIfExists(tmp);
            }
        }
        return dir;
    }

    static void write(Path dir, Shape s, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        int d = s.dModel(), f = s.dMlp();
        double std = 0.02, proj = 0.02 / Math.sqrt(2.0 * s.layers());
        SafetensorsWriter st = new SafetensorsWriter();
        st.add("wte.weight", randn(r, (long) s.vocab() * d, std), s.vocab(), d);
        st.add("wpe.weight", randn(r, (long) s.context() * d, 0.01), s.context(), d);
        for (int l = 0; l < s.layers(); l++) {
            String p = "h." + l + ".";
            st.add(p + "ln_1.weight", ones(d), d).add(p + "ln_1.bias", new float[d], d);
            st.add(p + "attn.c_attn.weight", randn(r, (long) d * 3 * d, std), d, 3L * d).add(p + "attn.c_attn.bias", new float[3 * d], 3L * d);
            st.add(p + "attn.c_proj.weight", randn(r, (long) d * d, proj), d, d).add(p + "attn.c_proj.bias", new float[d], d);
            st.add(p + "ln_2.weight", ones(d), d).add(p + "ln_2.bias", new float[d], d);
            st.add(p + "mlp.c_fc.weight", randn(r, (long) d * f, std), d, f).add(p + "mlp.c_fc.bias", new float[f], f);
            st.add(p + "mlp.c_proj.weight", randn(r, (long) f * d, proj), f, d).add(p + "mlp.c_proj.bias", new float[d], d);
        }
        st.add("ln_f.weight", ones(d), d).add("ln_f.bias", new float[d], d);
        st.write(dir.resolve("model.safetensors"));

        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("architectures", List.of("GPT2LMHeadModel"));
        cfg.put("model_type", "gpt2");
        cfg.put("n_embd", d);
        cfg.put("n_layer", s.layers());
        cfg.put("n_head", s.heads());
        cfg.put("n_inner", f);
        cfg.put("n_positions", s.context());
        cfg.put("n_ctx", s.context());
        cfg.put("vocab_size", s.vocab());
        cfg.put("layer_norm_epsilon", 1e-5);
        cfg.put("activation_function", "gelu_new");
        cfg.put("bos_token_id", s.vocab() - 1);
        cfg.put("eos_token_id", s.vocab() - 1);
        cfg.put("lantern_random_weights", "seed " + seed);
        JSON.writeValue(dir.resolve("config.json").toFile(), cfg);
        writeTokenizer(dir, s.vocab());
    }

    /** A word-level tokenizer: "[UNK]" is 0, "t1".."t{V-2}", and GPT-2's "<|endoftext|>" last. */
    static void writeTokenizer(Path dir, int vocab) throws IOException {
        Map<String, Integer> v = new LinkedHashMap<>();
        v.put("[UNK]", 0);
        for (int i = 1; i < vocab - 1; i++) v.put("t" + i, i);
        v.put("<|endoftext|>", vocab - 1);
        Map<String, Object> tj = new LinkedHashMap<>();
        tj.put("version", "1.0");
        tj.put("truncation", null);
        tj.put("padding", null);
        tj.put("added_tokens", List.of(special(0, "[UNK]"), special(vocab - 1, "<|endoftext|>")));
        tj.put("normalizer", null);
        tj.put("pre_tokenizer", Map.of("type", "Whitespace"));
        tj.put("post_processor", null);
        tj.put("decoder", null);
        tj.put("model", Map.of("type", "WordLevel", "vocab", v, "unk_token", "[UNK]"));
        JSON.writeValue(dir.resolve("tokenizer.json").toFile(), tj);
    }

    private static Map<String, Object> special(int id, String content) {
        return Map.of("id", id, "content", content, "single_word", false, "lstrip", false, "rstrip", false,
                "normalized", false, "special", true);
    }

    private static float[] randn(SplittableRandom r, long n, double std) {
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor too large: " + n);
        float[] a = new float[(int) n];
        for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextGaussian() * std);
        return a;
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }
}
