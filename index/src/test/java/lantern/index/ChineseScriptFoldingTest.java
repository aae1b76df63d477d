package lantern.index;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Simplified and traditional characters meet by text (no vectors here): the Chinese field folds both to simplified at
 * index and query time, so a simplified query finds a traditional label and a traditional query a simplified one.
 */
class ChineseScriptFoldingTest {
    static final List<String> LABELS = List.of(
            "句末字（押韻位置），如「鄉」「光」 / the last character of a line (the rhyme position), such as '鄉', '光'",
            "句首字，如「白」「春」 / the first character of a line, such as '白', '春'",
            "宋词，如「来」「无」 / Song ci, such as '来', '无'",
            "标点符号，如「。」 / punctuation marks, such as '。'");

    @TempDir
    static Path dir;
    static FeatureIndex index;

    @BeforeAll
    static void build() {
        index = FeatureIndex.open(dir);  // no Chinese embedder: text only
        List<IndexedExplanation> docs = new ArrayList<>();
        for (int i = 0; i < LABELS.size(); i++) {
            docs.add(IndexedExplanation.of("bge-small-zh/0/mlp/" + i, LABELS.get(i), "statistical", 0.5, null, null,
                    List.of(), null, 1L));
        }
        index.addAll(docs);
    }

    @AfterAll
    static void close() throws Exception {
        index.close();
    }

    static List<String> find(String q) {
        return index.search(SearchQuery.text(q, 10), null, FeatureIndex.Side.TEXT).hits().stream().map(SearchHit::text).toList();
    }

    @Test
    void aSimplifiedQueryFindsATraditionalLabel() {
        assertThat(find("押韵位置")).containsExactly(LABELS.get(0));
        assertThat(find("乡")).containsExactly(LABELS.get(0));  // 鄉 in the label, 乡 in the query
    }

    @Test
    void aTraditionalQueryFindsASimplifiedLabel() {
        assertThat(find("宋詞")).containsExactly(LABELS.get(2));
        assertThat(find("標點符號")).containsExactly(LABELS.get(3));
    }

    @Test
    void theSameScriptStillMatchesAndOthersDoNot() {
        assertThat(find("押韻位置")).containsExactly(LABELS.get(0));
        assertThat(find("句首字")).containsExactly(LABELS.get(1));
        assertThat(find("七言詩")).isEmpty();
    }

    /** The fold against a hand-written table of pairs (traditional → simplified; shared characters stay). */
    @Test
    void theFoldMapsTraditionalCharactersToSimplifiedOnes() throws IOException {
        Map<String, String> pairs = Map.of("韻", "韵", "詞", "词", "點", "点", "號", "号", "鄉", "乡", "雲", "云",
                "來", "来", "無", "无", "句", "句", "山", "山");
        pairs.forEach((t, s) -> assertThat(ChineseSearch.simplified(t)).as(t).isEqualTo(s));
        assertThat(tokens(ChineseSearch.analyzer(ChineseSearch.QUERIED), "押韻位置")).containsExactly("押韵", "韵位", "位置");
        assertThat(tokens(ChineseSearch.analyzer(ChineseSearch.QUERIED, false), "押韻位置")).containsExactly("押韻", "韻位", "位置");
        assertThat(ChineseSearch.simplified("the rhyme position")).isEqualTo("the rhyme position");
    }

    /** An index written before the fold (unfolded bigrams) is still found by a traditional query. */
    @Test
    void anIndexWrittenBeforeTheFoldStillAnswersTraditionalQueries() throws IOException {
        try (ByteBuffersDirectory d = new ByteBuffersDirectory()) {
            try (IndexWriter w = new IndexWriter(d, new IndexWriterConfig(ChineseSearch.analyzer(ChineseSearch.INDEXED, false)))) {
                Document doc = new Document();
                doc.add(new TextField(ChineseSearch.F_TEXT_ZH, LABELS.get(0), StoredField.Store.NO));
                w.addDocument(doc);
            }
            try (DirectoryReader r = DirectoryReader.open(d)) {
                IndexSearcher s = new IndexSearcher(r);
                assertThat(s.count(ChineseSearch.textQuery("押韻位置"))).isEqualTo(1);
            }
        }
    }

    static List<String> tokens(Analyzer a, String text) throws IOException {
        List<String> out = new ArrayList<>();
        try (TokenStream ts = a.tokenStream("f", text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) out.add(term.toString());
            ts.end();
        }
        return out;
    }
}
