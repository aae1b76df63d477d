package lantern.corpus;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BrownCorpusTest {
    static final Path BROWN = Path.of("lantern-data/corpora/brown");

    @Test
    void hasFiveHundredFilesInFifteenGenres() {
        BrownCorpus brown = new BrownCorpus(BROWN);
        assertThat(brown.files()).hasSize(500);
        Set<String> genres = brown.files().stream().map(BrownCorpus::read).map(Document::genre).collect(Collectors.toSet());
        assertThat(genres).hasSize(15).contains("news", "humor", "science_fiction");
    }

    @Test
    void readsTheFirstSentenceOfCa01() {
        Document ca01 = BrownCorpus.read(BROWN.resolve("ca01"));
        assertThat(ca01.id()).isEqualTo("ca01");
        assertThat(ca01.genre()).isEqualTo("news");
        Sentence first = ca01.sentences().get(0);
        assertThat(first.words()).startsWith("The", "Fulton", "County", "Grand", "Jury", "said", "Friday");
        assertThat(first.rawTags()).startsWith("at", "np-tl", "nn-tl", "jj-tl", "nn-tl", "vbd", "nr");
        assertThat(first.families()).startsWith("AT", "NP", "NN", "JJ", "NN", "VBD", "NR");
        assertThat(first.words().get(10)).isEqualTo("Atlanta's");
        assertThat(first.families().get(10)).isEqualTo("NP");
        assertThat(first.text().text()).startsWith("The Fulton County Grand Jury said Friday an investigation of Atlanta's")
                .contains("produced \" no evidence \" that").endsWith("took place .");
    }

    @Test
    void headlinesWithoutTabAreSentencesOfTheirOwn() {
        Document ca01 = BrownCorpus.read(BROWN.resolve("ca01"));
        assertThat(ca01.sentences()).anySatisfy(s -> assertThat(s.words()).containsExactly("Merger", "proposed"));
    }

    @Test
    void wholeCorpusParsesAndCountsAboutAMillionWords() {
        long words = new BrownCorpus(BROWN).documents().mapToLong(Document::words).sum();
        // The corpus manual says 1,014,312 words; tokens here also count punctuation.
        assertThat(words).isEqualTo(1_161_192L);
    }

    @Test
    void wordsMayHoldSlashes() {
        Sentence s = BrownCorpus.parse("\tabout/rb 1/2/cd mile/nn ./.\n", "t").get(0);
        assertThat(s.words()).containsExactly("about", "1/2", "mile", ".");
        assertThat(s.families()).containsExactly("RB", "CD", "NN", ".");
    }

    @Test
    void malformedTokenIsAClearError() {
        assertThatThrownBy(() -> BrownCorpus.parse("\tgood/jj bad\n", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x line 1").hasMessageContaining("bad");
    }

    @Test
    void missingFolderIsAClearError() {
        assertThatThrownBy(() -> new BrownCorpus(Path.of("no/such/brown")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fetch-brown");
    }

    @Test
    void wordSpansPointIntoTheText() {
        Sentence s = BrownCorpus.parse("\t``/`` Only/rb a/at handful/nn ''/'' ./.\n", "t").get(0);
        Sentence.Text t = s.text();
        assertThat(t.text()).isEqualTo("\" Only a handful \" .");
        for (int i = 0; i < s.size(); i++) {
            assertThat(t.wordAt(t.wordStart()[i])).isEqualTo(i);
            assertThat(t.wordAt(t.wordEnd()[i] - 1)).isEqualTo(i);
        }
        assertThat(t.wordAt(1)).isEqualTo(-1);
    }
}
