package lantern.index;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.QueryBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Measures Lucene's Chinese text analyses against each other on labelled queries: each label knows the structure
 * predicates its rule requires, each query the predicates it asks for; a hit is relevant when they meet. Reports mean
 * precision at 5 and mean reciprocal rank per analysis: single characters (the StandardTokenizer alone, what the
 * English field does with Chinese), CJK bigrams, bigrams plus characters, ICU's dictionary word breaking (the word
 * segmenter reachable here; smartcn is not served), bigrams plus characters in the index with bigrams alone in the
 * query, and that folded to simplified characters (what {@link ChineseSearch} does).
 */
public final class ChineseAnalysisBench {
    public record Label(String text, Set<String> predicates) {
    }

    public record Ask(String query, Set<String> wants) {
    }

    /** Mean precision@5, MRR, and queries with no relevant hit in the top 5. */
    public record Result(double precisionAt5, double mrr, int misses, java.util.List<Double> perQueryP5) {
        public Result(double precisionAt5, double mrr, int misses) {
            this(precisionAt5, mrr, misses, java.util.List.of());
        }
    }

    private ChineseAnalysisBench() {
    }

    public static Map<String, Result> run(List<Label> labels, List<Ask> asks) {
        Map<String, Analyzer[]> analyses = new LinkedHashMap<>();
        analyses.put("characters (StandardTokenizer)", both(new StandardAnalyzer()));
        analyses.put("CJK bigrams", both(ChineseSearch.analyzer(ChineseSearch.Analysis.BIGRAMS, false)));
        analyses.put("CJK bigrams + characters", both(ChineseSearch.analyzer(ChineseSearch.Analysis.BIGRAMS_AND_UNIGRAMS, false)));
        analyses.put("ICU dictionary words (in place of smartcn)", both(ChineseSearch.analyzer(ChineseSearch.Analysis.ICU_WORDS, false)));
        analyses.put("bigrams + characters indexed, bigrams queried", new Analyzer[]{
                ChineseSearch.analyzer(ChineseSearch.INDEXED, false), ChineseSearch.analyzer(ChineseSearch.QUERIED, false)});
        analyses.put("ICU dictionary words, folded to simplified", both(ChineseSearch.analyzer(ChineseSearch.Analysis.ICU_WORDS, true)));
        analyses.put("the same, folded to simplified (kept)", new Analyzer[]{
                ChineseSearch.analyzer(ChineseSearch.INDEXED), ChineseSearch.analyzer(ChineseSearch.QUERIED)});
        Map<String, Result> out = new LinkedHashMap<>();
        analyses.forEach((name, a) -> out.put(name, measure(a[0], a[1], labels, asks)));
        return out;
    }

    private static Analyzer[] both(Analyzer a) {
        return new Analyzer[]{a, a};
    }

    static Result measure(Analyzer analyzer, Analyzer queryAnalyzer, List<Label> labels, List<Ask> asks) {
        try (ByteBuffersDirectory dir = new ByteBuffersDirectory()) {
            try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(analyzer))) {
                for (int i = 0; i < labels.size(); i++) {
                    Document d = new Document();
                    d.add(new TextField("text", labels.get(i).text(), StoredField.Store.NO));
                    d.add(new StoredField("i", i));
                    w.addDocument(d);
                }
            }
            double p5 = 0, mrr = 0;
            int misses = 0;
            java.util.List<Double> perQuery = new java.util.ArrayList<>();
            try (DirectoryReader r = DirectoryReader.open(dir)) {
                IndexSearcher s = new IndexSearcher(r);
                for (Ask a : asks) {
                    Query q = new QueryBuilder(queryAnalyzer).createBooleanQuery("text", a.query());
                    ScoreDoc[] hits = q == null ? new ScoreDoc[0] : s.search(q, 5).scoreDocs;
                    int relevant = 0;
                    double rr = 0;
                    for (int k = 0; k < hits.length; k++) {
                        int i = s.storedFields().document(hits[k].doc).getField("i").numericValue().intValue();
                        boolean rel = labels.get(i).predicates().stream().anyMatch(a.wants()::contains);
                        if (rel) {
                            relevant++;
                            if (rr == 0) rr = 1.0 / (k + 1);
                        }
                    }
                    p5 += relevant / 5.0;
                    perQuery.add(relevant / 5.0);
                    mrr += rr;
                    if (relevant == 0) misses++;
                }
            }
            return new Result(p5 / asks.size(), mrr / asks.size(), misses, perQuery);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
