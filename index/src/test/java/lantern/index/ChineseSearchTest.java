package lantern.index;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.bgesmallzhv15.BgeSmallZhV15EmbeddingModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chinese labels indexed beside English ones and found by Chinese queries: CJK bigrams on the text side, bge-small-zh
 * vectors (through ONNX Runtime, the oracle our forward pass matches) on the Chinese vector side.
 */
class ChineseSearchTest {
    static final List<String> LABELS = List.of(
            "句末字（押韻位置），如「山」「流」 / the last character of a line (the rhyme position), such as '山', '流'",
            "七言詩的句末字（押韻位置） / the last character of a line (the rhyme position) in seven-character shi",
            "句首字，如「白」「春」 / the first character of a line, such as '白', '春'",
            "「山」「江」「雲」等字 / the characters '山', '江', '雲'",
            "標點符號，如「。」「，」 / punctuation marks, such as '。', '，'",
            "表示時間的字",
            "「詞」「曲」等字",
            "plural nouns such as years and children",
            "verbs in the past tense",
            "words about mountains and rivers");

    @TempDir
    static Path dir;
    static FeatureIndex index;
    static BgeSmallZhV15EmbeddingModel bge;

    static float[] embed(String text) {
        return bge.embed(TextSegment.from(text)).content().vector();
    }

    @BeforeAll
    static void build() {
        bge = new BgeSmallZhV15EmbeddingModel();
        index = FeatureIndex.open(dir).withChineseEmbedder(ChineseSearchTest::embed);
        List<IndexedExplanation> docs = new ArrayList<>();
        for (int i = 0; i < LABELS.size(); i++) {
            docs.add(IndexedExplanation.of("bge-small-zh/" + (i % 4) + "/mlp/" + (100 + i), LABELS.get(i), "statistical",
                    0.5, null, null, List.of(), null, 1L));
        }
        index.addAll(docs);
    }

    @AfterAll
    static void close() throws Exception {
        index.close();
    }

    static List<String> texts(SearchResult r) {
        return r.hits().stream().map(SearchHit::text).toList();
    }

    @Test
    void aChineseQueryFindsTheRhymePositionLabelsByText() {
        List<String> hits = texts(index.search(SearchQuery.text("押韻位置", 10), null, FeatureIndex.Side.TEXT));
        assertThat(hits).hasSize(2).allMatch(t -> t.contains("押韻位置"));
    }

    /** Bigrams, not single characters: "句末字" must not find "句首字" (which shares 句 and 字). */
    @Test
    void lineEndIsNotLineStart() {
        List<String> hits = texts(index.search(SearchQuery.text("句末字", 10), null, FeatureIndex.Side.TEXT));
        assertThat(hits).isNotEmpty().allMatch(t -> t.startsWith("句末字") || t.startsWith("七言詩的句末字"));
        assertThat(hits).noneMatch(t -> t.startsWith("句首字"));
    }

    /** A one-character query still finds its labels (they are indexed with single characters too). */
    @Test
    void aOneCharacterQueryFindsItsLabel() {
        assertThat(texts(index.search(SearchQuery.text("詞", 10), null, FeatureIndex.Side.TEXT))).containsExactly("「詞」「曲」等字");
    }

    @Test
    void theChineseVectorSideFindsALabelThatSharesNoBigram() {
        SearchResult r = index.search(SearchQuery.text("韻腳", 5), null, FeatureIndex.Side.VECTOR);
        assertThat(r.hits()).isNotEmpty();
        assertThat(r.hits().getFirst().text()).contains("押韻位置");
    }

    /** Across languages where bge-small-zh's vectors allow it: 山水 finds the English label, "mountains" the Chinese one. */
    @Test
    void aChineseQueryFindsAnEnglishLabelAndTheOtherWayRound() {
        assertThat(texts(index.search(SearchQuery.text("山水", 3), null, FeatureIndex.Side.VECTOR)))
                .contains("words about mountains and rivers");
        assertThat(texts(index.search(SearchQuery.text("mountains", 3), null, FeatureIndex.Side.VECTOR)))
                .anyMatch(t -> t.startsWith("「山」「江」「雲」等字"));
        assertThat(texts(index.search(SearchQuery.text("時間", 1), null, FeatureIndex.Side.VECTOR))).containsExactly("表示時間的字");
    }
}
