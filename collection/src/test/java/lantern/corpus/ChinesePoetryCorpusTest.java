package lantern.corpus;

import lantern.collect.Chunker;
import lantern.collect.TokenStream;
import lantern.subject.tokenize.HfTextTokenizer;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading chinese-poetry's layout (hand-written sample poems) and the structure tags of every character. */
class ChinesePoetryCorpusTest {
    static final Path SAMPLE = Path.of("src/test/resources/chinese-poetry-sample");

    List<Document> docs() {
        try (var s = new ChinesePoetryCorpus(SAMPLE).documents()) {
            return s.toList();
        }
    }

    @Test
    void partsAreReadInTurnsAndBrokenPoemsSkipped() {
        List<Document> docs = docs();
        assertThat(docs.stream().map(Document::genre).toList()).containsExactly(
                "tang/shi5", "song/shi7", "song/ci", "tang/shi5", "song/shi7", "song/ci", "tang/shi7");
        assertThat(docs.get(0).id()).isEqualTo("poet.tang.0#0 李白《靜夜思》");
        assertThat(docs.get(2).id()).contains("《声声慢》");
        assertThat(docs).noneMatch(d -> d.id().contains("殘篇"));  // a missing character (□): skipped
    }

    @Test
    void everyCharacterCarriesDynastyFormLinePositionAndLineEnd() {
        Document jingYeSi = docs().get(0);
        Sentence first = jingYeSi.sentences().get(0);
        assertThat(first.words()).containsExactly("床", "前", "明", "月", "光", "，", "疑", "是", "地", "上", "霜", "。");
        assertThat(first.rawTags()).containsExactly(
                "tang/shi5/L1/P1", "tang/shi5/L1/P2", "tang/shi5/L1/P3", "tang/shi5/L1/P4", "tang/shi5/L1/P5/E",
                "tang/shi5/L1/PUNCT",
                "tang/shi5/L2/P1", "tang/shi5/L2/P2", "tang/shi5/L2/P3", "tang/shi5/L2/P4", "tang/shi5/L2/P5/E",
                "tang/shi5/L2/PUNCT");
        Sentence second = jingYeSi.sentences().get(1);
        assertThat(second.rawTags().get(4)).isEqualTo("tang/shi5/L3/P5/E");  // 月 ends line 3
        assertThat(second.rawTags().get(10)).isEqualTo("tang/shi5/L4/P5/E");  // 鄉 ends line 4: a rhyme
        // the tag is its own family (Brown's tag families do not apply)
        assertThat(second.families()).isEqualTo(second.rawTags());
        ChineseText.Structure s = ChineseText.Structure.parse(second.rawTags().get(10));
        assertThat(s).isEqualTo(new ChineseText.Structure("tang", "shi5", 4, 5, true));
        assertThat(s.matches("ZH:END")).isTrue();
        assertThat(s.matches("ZH:EVEN_END")).isTrue();
        assertThat(s.matches("ZH:P5")).isTrue();
        assertThat(s.matches("ZH:P4")).isFalse();
        assertThat(s.matches("ZH:FORM=SHI5")).isTrue();
        assertThat(s.matches("ZH:DYN=SONG")).isFalse();
    }

    @Test
    void formsAreReadFromLineLengthsAndNotesAreDropped() {
        List<Document> docs = docs();
        Document liangzhou = docs.get(6);
        assertThat(liangzhou.genre()).isEqualTo("tang/shi7");
        String text = liangzhou.sentences().stream().map(x -> x.text().text()).collect(Collectors.joining());
        assertThat(text).doesNotContain("一作").doesNotContain("（");
        Document ci = docs.get(2);
        assertThat(ci.sentences().get(0).rawTags().get(3)).isEqualTo("song/ci/L1/P4/E");  // 觅 ends 寻寻觅觅
        assertThat(ChinesePoetryCorpus.shiForm(List.of(5, 5, 7, 5))).isEqualTo("shi");
        assertThat(ChinesePoetryCorpus.shiForm(List.of(4, 4))).isEqualTo("shi4");
    }

    @Test
    void chineseTextIsWrittenWithoutSpacesAndRareCharactersStayWhole() {
        Sentence s = docs().get(0).sentences().get(0);
        Sentence.Text t = s.text();
        assertThat(t.text()).isEqualTo("床前明月光，疑是地上霜。");
        assertThat(t.wordAt(4)).isEqualTo(4);
        assertThat(ChineseText.words("𠀋水 GPT 模型")).containsExactly("𠀋", "水", "GPT", "模", "型");
    }

    /** bge-small-zh's WordPiece: one token per character, each with its character's tag; [UNK] shows the character. */
    @Test
    void chunkedWithTheChineseTokenizerEveryTokenKeepsItsTag() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/bge-small-zh-v1.5-tokenizer.json")) {
            assertThat(in).as("the bge-small-zh artifact is on the test class path").isNotNull();
            HfTextTokenizer tok = HfTextTokenizer.fromStream(in);
            Document poem = ChinesePoetryCorpus.poem("rare", "tang", false, List.of("𠀋水向東流，白雲生翠微。"));
            Corpus one = new Corpus() {
                public String name() {
                    return "one";
                }

                public java.util.stream.Stream<Document> documents() {
                    return java.util.stream.Stream.of(poem);
                }
            };
            TokenStream stream = new Chunker(tok, 64).chunk(one, 0);
            assertThat(stream.tokens()).isEqualTo(12);
            assertThat(stream.tag(4)).isEqualTo("tang/shi5/L1/P5/E");
            assertThat(stream.tag(5)).isEqualTo("tang/shi5/L1/PUNCT");
            assertThat(tok.token(stream.ids()[0])).isEqualTo("[UNK]");
            assertThat(stream.display(0)).isEqualTo("𠀋");
            assertThat(tok.token(stream.ids()[1])).isEqualTo("水");
            tok.close();
        }
    }

    @Test
    void plainChineseTextIsCutAtSentenceMarksIntoCharacters() {
        List<Sentence> ss = PlainTextCorpus.sentences("今天天氣很好。我們去公園散步吧！\n\n第二段");
        assertThat(ss).hasSize(3);
        assertThat(ss.get(0).words()).containsExactly("今", "天", "天", "氣", "很", "好", "。");
        assertThat(ss.get(0).rawTags().get(5)).isEqualTo("-/prose/L1/P6/E");
        assertThat(ss.get(1).rawTags().get(0)).isEqualTo("-/prose/L2/P1");
        assertThat(PlainTextCorpus.sentences("The jury said. It rained.")).hasSize(2);  // English as before
    }

    @Test
    void aMissingCorpusSaysHowToFetchIt() {
        assertThatThrownBy(() -> new ChinesePoetryCorpus(Path.of("no-such-dir")))
                .hasMessageContaining("scripts/fetch-chinese-poetry.sh");
        assertThat(Files.isDirectory(SAMPLE)).isTrue();
    }
}
