package lantern.index;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.util.QueryBuilder;
import org.apache.lucene.util.VectorUtil;

import java.io.IOException;
import java.util.Arrays;

/**
 * Search in Chinese beside English: a label's text is also indexed with CJK bigrams ({@code textZh}; "押韻位置" →
 * 押韻, 韻位, 位置), and a bge-small-zh embedding of the label ({@code vectorZh}, 512 dims) sits beside MiniLM's. A
 * query with Chinese in it also runs on the bigram field, and whenever a Chinese query vector is given it runs a
 * second kNN, fused with the others by reciprocal rank. {@link Analysis} names the text analyses measured against each
 * other (docs/chinese.md); {@link #INDEXED} and {@link #QUERIED} are the ones kept.
 */
final class ChineseSearch {
    static final String F_TEXT_ZH = "textZh", F_VECTOR_ZH = "vectorZh";
    static final int DIMENSION = 512;

    /** Lucene's Chinese analyses reachable here (smartcn is not served): bigrams alone, or bigrams plus characters. */
    enum Analysis { BIGRAMS, BIGRAMS_AND_UNIGRAMS }

    /** Labels are indexed as bigrams and single characters (a one-character query such as 詞 finds them)... */
    static final Analysis INDEXED = Analysis.BIGRAMS_AND_UNIGRAMS;
    /** ...and queried as bigrams, so 句末字 (句末, 末字) does not find 句首字 through 句 and 字. */
    static final Analysis QUERIED = Analysis.BIGRAMS;

    private ChineseSearch() {
    }

    /** The index-time analyzer of the bigram field. */
    static Analyzer analyzer() {
        return analyzer(INDEXED);
    }

    /** StandardTokenizer (one token per ideograph), full/half-width folding, lower case, then CJK bigrams. */
    static Analyzer analyzer(Analysis analysis) {
        return new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String field) {
                StandardTokenizer source = new StandardTokenizer();
                TokenStream ts = new LowerCaseFilter(new CJKWidthFilter(source));
                ts = new CJKBigramFilter(ts, CJKBigramFilter.HAN | CJKBigramFilter.HIRAGANA | CJKBigramFilter.KATAKANA
                        | CJKBigramFilter.HANGUL, analysis == Analysis.BIGRAMS_AND_UNIGRAMS);
                return new TokenStreamComponents(source, ts);
            }
        };
    }

    static boolean hasChinese(String text) {
        if (text == null) return false;
        return text.codePoints().anyMatch(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN);
    }

    /** The Chinese fields of a label: the bigram text where it holds Chinese, the bge vector where there is one. */
    static void addFields(Document d, String text, float[] zhVector) {
        if (hasChinese(text)) d.add(new TextField(F_TEXT_ZH, text, StoredField.Store.NO));
        if (zhVector != null) d.add(new KnnFloatVectorField(F_VECTOR_ZH, normalized(zhVector), VectorSimilarityFunction.DOT_PRODUCT));
    }

    private static final Analyzer QUERY_ANALYZER = analyzer(QUERIED);

    /** The query on the bigram field, analyzed as bigrams; null unless the query holds Chinese. */
    static Query textQuery(String text) {
        if (!hasChinese(text)) return null;
        return new QueryBuilder(QUERY_ANALYZER).createBooleanQuery(F_TEXT_ZH, text);
    }

    /** kNN over the bge vectors, keeping hits at least {@code minCosine} similar; empty without a query vector. */
    static TopDocs knn(IndexSearcher s, float[] queryVector, int window, Query filter, double minCosine) throws IOException {
        if (queryVector == null) return new TopDocs(new TotalHits(0, TotalHits.Relation.EQUAL_TO), new ScoreDoc[0]);
        Query knn = new KnnFloatVectorQuery(F_VECTOR_ZH, normalized(queryVector), window,
                filter instanceof MatchAllDocsQuery ? null : filter);
        TopDocs raw = s.search(knn, window);
        float minScore = (float) ((1 + minCosine) / 2);  // DOT_PRODUCT scores are (1 + cos) / 2
        ScoreDoc[] kept = Arrays.stream(raw.scoreDocs).filter(sd -> sd.score >= minScore).toArray(ScoreDoc[]::new);
        return new TopDocs(new TotalHits(kept.length, TotalHits.Relation.EQUAL_TO), kept);
    }

    static float[] normalized(float[] v) {
        if (v.length != DIMENSION) throw new IllegalArgumentException("a Chinese embedding has " + v.length + " dims, expected " + DIMENSION);
        double norm = 0;
        for (float x : v) {
            if (!Float.isFinite(x)) throw new IllegalArgumentException("a Chinese embedding is not finite");
            norm += x * x;
        }
        if (norm == 0) throw new IllegalArgumentException("a Chinese embedding is all zeros");
        return Math.abs(norm - 1) < 1e-4 ? v : VectorUtil.l2normalize(v.clone());
    }
}
