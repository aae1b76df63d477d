package lantern.subject.llama2c;

import lantern.subject.Encoding;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Llama2cTest {
    // ids: 259 " ", 260 "h", 261 "e", 262 "l", 263 "o", 264 "he", 265 "ll", 266 " he", 267 "llo", 268 " hello"
    static final List<String> PIECES = List.of(" ", "h", "e", "l", "o", "he", "ll", " he", "llo", " hello");

    @TempDir
    Path tmp;

    @Test
    void encodesLikeRunC() throws Exception {
        Path t = TinyModels.writeTokenizerBin(tmp.resolve("tokenizer.bin"), 300, PIECES);
        Llama2cTokenizer tok = Llama2cTokenizer.load(t, 300);
        Encoding e = tok.encode("hello", true);
        // BOS, then " " + h e l l o merged by best score: he(264) ll(265) " he"(266) llo(267) " hello"(268)
        assertThat(e.ids()).containsExactly(1, 268);
        assertThat(e.charStart()[1]).isZero();
        assertThat(e.charEnd()[1]).isEqualTo(5);
        assertThat(e.special()[0]).isTrue();
        // "é" is not a piece: byte fallback to <0xC3><0xA9> = ids 0xC3+3, 0xA9+3
        Encoding f = tok.encode("hé", false);
        assertThat(f.ids()).containsExactly(259, 260, 0xC3 + 3, 0xA9 + 3);
        assertThat(tok.decode(f.ids())).isEqualTo(" hé");
        assertThat(tok.decode(new long[]{1, 268, 265})).isEqualTo("helloll"); // leading space dropped after BOS
        assertThat(tok.token(0x0A + 3)).isEqualTo("\n");
    }

    @Test
    void corruptCheckpointsAreRefusedClearly() throws Exception {
        TinyModels.Spec s = new TinyModels.Spec(16, 2, 4, 2, 32, 300, 32);
        Path bin = TinyModels.writeLlama2c(tmp.resolve("m.bin"), s, TinyModels.llamaWeights(s, 1, false, true), true);
        TinyModels.writeTokenizerBin(tmp.resolve("tokenizer.bin"), 300, PIECES);
        byte[] all = Files.readAllBytes(bin);

        Path cut = tmp.resolve("cut").resolve("m.bin");
        Files.createDirectories(cut.getParent());
        Files.write(cut, Arrays.copyOf(all, all.length - 100));
        Files.copy(tmp.resolve("tokenizer.bin"), cut.resolveSibling("tokenizer.bin"));
        assertThatThrownBy(() -> DecoderModels.load(cut)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated");

        Path junk = tmp.resolve("junk.bin");
        byte[] bad = all.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(0, -5);
        Files.write(junk, bad);
        assertThatThrownBy(() -> Llama2cCheckpoint.open(junk)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("implausible header");

        Path v2 = tmp.resolve("v2.bin");
        byte[] q = new byte[512];
        ByteBuffer.wrap(q).order(ByteOrder.LITTLE_ENDIAN).putInt(0x616b3432).putInt(2);
        Files.write(v2, q);
        assertThatThrownBy(() -> Llama2cCheckpoint.open(v2)).hasMessageContaining("version 2 is not supported");

        Path noTok = tmp.resolve("alone").resolve("m.bin");
        Files.createDirectories(noTok.getParent());
        Files.write(noTok, all);
        assertThatThrownBy(() -> DecoderModels.load(noTok)).hasMessageContaining("tokenizer.bin");

        Path shortTok = tmp.resolve("short.bin");
        Files.write(shortTok, Arrays.copyOf(Files.readAllBytes(tmp.resolve("tokenizer.bin")), 1000));
        assertThatThrownBy(() -> Llama2cTokenizer.load(shortTok, 300)).hasMessageContaining("ends before");
    }

    @Test
    void generatesFromAPromptLikeRunC() throws Exception {
        TinyModels.Spec s = new TinyModels.Spec(16, 2, 4, 2, 32, 300, 32);
        Path bin = TinyModels.writeLlama2c(tmp.resolve("m.bin"), s, TinyModels.llamaWeights(s, 2, false, false), false);
        TinyModels.writeTokenizerBin(tmp.resolve("tokenizer.bin"), 300, PIECES);
        try (var m = DecoderModels.load(bin)) {
            assertThat(m.info().source()).startsWith("llama2.c:");
            long[] ids = lantern.subject.decoder.Generator.promptIds(m, "hello");
            assertThat(ids).containsExactly(1, 268);
            var g = lantern.subject.decoder.Generator.withCache(m, ids,
                    lantern.api.generate.Sampling.greedy(5), lantern.subject.Hooks.none());
            assertThat(g.generatedIds().length).isBetween(0, 5);
        }
    }
}
