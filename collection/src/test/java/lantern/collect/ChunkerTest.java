package lantern.collect;

import lantern.collect.testing.BrownParts;
import lantern.corpus.BrownCorpus;
import lantern.corpus.Corpus;
import lantern.corpus.Document;
import lantern.corpus.Sentence;
import lantern.subject.TextTokenizer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Chunking real Brown text with the real MiniLM tokenizer. */
class ChunkerTest {
    static final Path BROWN = Path.of("lantern-data/corpora/brown");
    final TextTokenizer tok = MiniLmTokenizer.get();

    static Corpus files(String... names) {
        return BrownParts.files(names);
    }

    @Test
    void sequencesFitAndStartAtWords() {
        TokenStream s = new Chunker(tok, 64).chunk(files("ca01", "cr09"), 0);
        assertThat(s.prefix()).containsExactly(101L);  // [CLS]
        assertThat(s.suffix()).containsExactly(102L);  // [SEP]
        assertThat(s.docIds()).containsExactly("ca01", "cr09");
        assertThat(s.docGenres()).containsExactly("news", "humor");
        for (int q = 0; q < s.sequences(); q++) {
            assertThat(s.modelIds(q).length).isLessThanOrEqualTo(64);
            assertThat(s.wordStart()[s.seqStart()[q]]).as("sequence %d starts a word", q).isTrue();
        }
        // Packing: most sequences are well filled.
        assertThat((double) s.tokens() / s.sequences()).isGreaterThan(45);
        // Sequences do not cross documents.
        int firstCr = -1;
        for (int q = 0; q < s.sequences(); q++) if (s.seqDoc()[q] == 1 && firstCr < 0) firstCr = q;
        assertThat(firstCr).isPositive();
        assertThat(tok.token(s.ids()[s.seqStart()[firstCr]])).isEqualTo("dear");  // cr09 begins "Dear Sirs :"
    }

    @Test
    void everyWordPieceMapsBackToItsWordAndTag() {
        Document ca01 = BrownCorpus.read(BROWN.resolve("ca01"));
        TokenStream s = new Chunker(tok, 64).chunk(files("ca01"), 0);
        // Walk the stream in step with the corpus words: pieces of a word, "##" removed, spell the word.
        int t = 0;
        for (Sentence sent : ca01.sentences()) {
            for (int w = 0; w < sent.size(); w++) {
                assertThat(s.wordStart()[t]).as("word %s starts at token %d", sent.words().get(w), t).isTrue();
                StringBuilder spelled = new StringBuilder();
                do {
                    spelled.append(tok.token(s.ids()[t]).replace("##", ""));
                    assertThat(s.tag(t)).isEqualTo(sent.family(w));
                    t++;
                } while (t < s.ids().length && !s.wordStart()[t]);
                String word = sent.words().get(w).replace("``", "\"").replace("''", "\"").toLowerCase();
                assertThat(spelled.toString()).isEqualTo(word);
            }
        }
        assertThat(t).isEqualTo(s.ids().length);
    }

    @Test
    void possessiveSplitsIntoPiecesThatShareTheNounTag() {
        TokenStream s = new Chunker(tok, 64).chunk(files("ca01"), 0);
        List<String> toks = new ArrayList<>();
        for (int t = 0; t < 20; t++) toks.add(tok.token(s.ids()[t]));
        int at = toks.indexOf("atlanta");
        assertThat(toks.subList(at, at + 3)).containsExactly("atlanta", "'", "s");
        assertThat(s.tag(at)).isEqualTo("NP");
        assertThat(s.tag(at + 2)).isEqualTo("NP");
        assertThat(s.wordStart()[at]).isTrue();
        assertThat(s.wordStart()[at + 1]).isFalse();
        assertThat(s.wordStart()[at + 2]).isFalse();
    }

    @Test
    void longSentencesAreCutAndMaxTokensIsRespected() {
        TokenStream s = new Chunker(tok, 16).chunk(files("ca01"), 500);
        assertThat(s.tokens()).isLessThanOrEqualTo(500).isGreaterThan(400);
        for (int q = 0; q < s.sequences(); q++) assertThat(s.length(q)).isLessThanOrEqualTo(14);
    }
}
