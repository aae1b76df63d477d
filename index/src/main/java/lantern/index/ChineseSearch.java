package lantern.index;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.apache.lucene.analysis.icu.ICUTransformFilter;
import org.apache.lucene.analysis.icu.segmentation.ICUTokenizer;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DisjunctionMaxQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.util.QueryBuilder;
import org.apache.lucene.util.VectorUtil;

import com.ibm.icu.text.Transliterator;

import java.io.IOException;
import java.util.Arrays;

/**
 * Search in Chinese beside English: a label's text is also indexed with CJK bigrams ({@code textZh}; "押韻位置" →
 * 押韻, 韻位, 位置), and a bge-small-zh embedding of the label ({@code vectorZh}, 512 dims) sits beside MiniLM's. A
 * query with Chinese in it also runs on the bigram field, and whenever a Chinese query vector is given it runs a
 * second kNN, fused with the others by reciprocal rank. Traditional and simplified characters meet by text: the field
 * folds every character to its simplified form (ICU's Traditional-Simplified transform) at index and query time, so
 * 押韵位置 finds 押韻位置 and 詞 finds 词. {@link Analysis} names the text analyses measured against each other
 * (docs/chinese.md); {@link #INDEXED} and {@link #QUERIED} are the ones kept.
 */
final class ChineseSearch {
    static final String F_TEXT_ZH = "textZh", F_VECTOR_ZH = "vectorZh";
    static final int DIMENSION = 512;

    /**
     * Lucene's Chinese analyses reachable here (smartcn is not served by the registry): bigrams alone, bigrams plus
     * characters, and ICU's dictionary-based word breaking (the ICUTokenizer's CJK dictionary, a word segmenter in
     * smartcn's place).
     */
    enum Analysis { BIGRAMS, BIGRAMS_AND_UNIGRAMS, ICU_WORDS }

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

    /** As {@link #analyzer(Analysis, boolean)}, folded to simplified characters (what the field does). */
    static Analyzer analyzer(Analysis analysis) {
        return analyzer(analysis, true);
    }

    /**
     * StandardTokenizer (one token per ideograph) or ICU's word breaker, full/half-width folding, lower case, the
     * traditional-to-simplified fold when asked, then CJK bigrams (not after the word breaker).
     */
    static Analyzer analyzer(Analysis analysis, boolean foldToSimplified) {
        return new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String field) {
                Tokenizer source = analysis == Analysis.ICU_WORDS ? new ICUTokenizer() : new StandardTokenizer();
                TokenStream ts = new LowerCaseFilter(new CJKWidthFilter(source));
                if (foldToSimplified) ts = new ICUTransformFilter(ts, toSimplified());
                if (analysis != Analysis.ICU_WORDS) {
                    ts = new CJKBigramFilter(ts, CJKBigramFilter.HAN | CJKBigramFilter.HIRAGANA | CJKBigramFilter.KATAKANA
                            | CJKBigramFilter.HANGUL, analysis == Analysis.BIGRAMS_AND_UNIGRAMS);
                }
                return new TokenStreamComponents(source, ts);
            }
        };
    }

    /** ICU's Traditional-Simplified transform (a fresh instance: a Transliterator is not safe across threads). */
    static Transliterator toSimplified() {
        return Transliterator.getInstance("Traditional-Simplified");
    }

    /** The text folded to simplified characters as the field sees it (鄉 → 乡; simplified and other text unchanged). */
    static String simplified(String text) {
        return toSimplified().transliterate(text);
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

    private static final Analyzer QUERY_ANALYZER = analyzer(QUERIED), UNFOLDED_QUERY_ANALYZER = analyzer(QUERIED, false);

    /**
     * The query on the bigram field, analyzed as bigrams folded to simplified characters; null unless the query holds
     * Chinese. An index written before the fold holds unfolded bigrams: the unfolded query still finds those (the
     * better of the two counts, so a label matched both ways does not score twice) until {@code lantern index rebuild}.
     */
    static Query textQuery(String text) {
        if (!hasChinese(text)) return null;
        Query folded = new QueryBuilder(QUERY_ANALYZER).createBooleanQuery(F_TEXT_ZH, text);
        Query unfolded = new QueryBuilder(UNFOLDED_QUERY_ANALYZER).createBooleanQuery(F_TEXT_ZH, text);
        if (folded == null || unfolded == null || folded.equals(unfolded)) return folded;
        return new DisjunctionMaxQuery(java.util.List.of(folded, unfolded), 0f);
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
