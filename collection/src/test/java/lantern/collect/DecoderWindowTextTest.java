package lantern.collect;

import lantern.corpus.Corpus;
import lantern.corpus.PlainTextCorpus;
import lantern.corpus.Sentence;
import lantern.subject.HookedModel;
import lantern.subject.TextTokenizer;
import lantern.subject.decoder.Gpt2TokenizerTest;
import lantern.subject.decoder.TinyModels;
import lantern.subject.llama2c.Llama2cTokenizer;
import lantern.subject.tokenize.HfTextTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decoder windows show the text as the corpus had it: byte-level BPE ({@code Ġ}, one character's UTF-8 bytes split
 * over tokens) and SentencePiece ({@code ▁}, byte fallback) token strings put back together give the corpus text.
 */
class DecoderWindowTextTest {
    static final String TEXT = "Zürich's café served crème brûlée to Ångström. 日本語のテキストです 😀 and 🦜 emoji here! "
            + "Ünïcödé ends — naïve façade.";

    @TempDir
    Path tmp;

    Corpus corpus() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("texts"));
        Files.writeString(dir.resolve("doc.txt"), TEXT, StandardCharsets.UTF_8);
        return new PlainTextCorpus(dir);
    }

    /** The text of the corpus as sentences joined by single spaces (what the chunker reads). */
    String corpusText(Corpus c) {
        try (var docs = c.documents()) {
            return docs.flatMap(d -> d.sentences().stream()).map(Sentence::text).map(Sentence.Text::text)
                    .collect(Collectors.joining(" "));
        }
    }

    static String shown(TokenStream s, TextTokenizer tok, int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int t = from; t < to; t++) {
            String d = s.display(t);
            b.append(d != null ? d : tok.token(s.ids()[t]));
        }
        return b.toString().strip();
    }

    void roundTrips(TextTokenizer tok, HookedModel.SequenceFrame frame) throws Exception {
        Corpus c = corpus();
        TokenStream s = new Chunker(tok, 256, frame, true).chunk(c, 0);
        assertThat(s.display()).as("some token holds part of a character").isNotEmpty();
        assertThat(s.sequences()).isEqualTo(1);
        assertThat(shown(s, tok, 0, s.ids().length)).isEqualTo(corpusText(c)).isEqualTo(TEXT);
        // every window's text is a piece of the corpus text, characters whole
        for (int start = 0; start + 7 <= s.ids().length; start++) {
            String w = shown(s, tok, start, start + 7);
            assertThat(TEXT).contains(w);
            assertThat(w).doesNotContain("\uFFFD");
        }
        // the tokenizer itself agrees: the sequence decodes to the text
        long[] ids = java.util.Arrays.stream(s.ids()).asLongStream().toArray();
        assertThat(tok.decode(ids).strip()).isEqualTo(TEXT);
    }

    @Test
    void byteLevelBpeWindowsAreTheCorpusText() throws Exception {
        Gpt2TokenizerTest.writeTokenizerJson(tmp.resolve("tokenizer.json"));
        try (HfTextTokenizer tok = HfTextTokenizer.load(tmp.resolve("tokenizer.json"), HfTextTokenizer.Options.DECODER)) {
            roundTrips(tok, new HookedModel.SequenceFrame(new long[]{50256}, new long[0]));
        }
    }

    @Test
    void sentencePieceByteFallbackWindowsAreTheCorpusText() throws Exception {
        Path bin = TinyModels.writeTokenizerBin(tmp.resolve("tokenizer.bin"), 320,
                List.of(" ", "e", "r", "a", " c", "ca", " caf", "er", "Z", "ch"));
        Llama2cTokenizer tok = Llama2cTokenizer.load(bin, 320);
        roundTrips(tok, new HookedModel.SequenceFrame(new long[]{Llama2cTokenizer.BOS}, new long[0]));
    }
}
