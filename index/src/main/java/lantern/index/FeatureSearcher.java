package lantern.index;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoubleField;
import org.apache.lucene.document.IntField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexNotFoundException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.SortedNumericSelector;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.QueryBuilder;
import org.apache.lucene.util.VectorUtil;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import static lantern.index.IndexSchema.*;

/**
 * The read side of the index: browsing by score, and text queries fused from BM25 and kNN by reciprocal-rank
 * fusion, then weighed by explanation quality. Works on an {@link IndexSearcher} the caller holds.
 */
final class FeatureSearcher {
    private final Analyzer analyzer;
    private final double minCosine;
    private final double qualityWeight;
    /** Quantized vectors: graph candidates per kept kNN hit, all rescored with the floats (see {@link #vectorQuery}). */
    static final double DEFAULT_OVERSAMPLE = 3;
    private volatile double oversample = DEFAULT_OVERSAMPLE;
    /** Lucene's optimistic multi-segment kNN (true), or every segment walked for all candidates ({@link FullKnnQuery}). */
    private volatile boolean optimistic = true;

    void optimistic(boolean optimistic) {
        this.optimistic = optimistic;
    }

    boolean optimistic() {
        return optimistic;
    }

    void oversample(double factor) {
        checkOversample(factor);
        this.oversample = factor;
    }

    /** Refuses an oversampling factor outside [1, 100]. */
    static void checkOversample(double factor) {
        if (!(factor >= 1 && factor <= 100)) {
            throw new lantern.errors.InvalidInputException("the quantized kNN oversampling factor must be in [1, 100], not " + factor);
        }
    }

    FeatureSearcher(Analyzer analyzer, double minCosine, double qualityWeight) {
        this.analyzer = analyzer;
        this.minCosine = minCosine;
        this.qualityWeight = qualityWeight;
    }

    /** The best explanation (highest simulation score) of each feature, in the order of the ids. */
    Map<String, SearchHit> explanationsFor(IndexSearcher s, List<String> featureIds) throws IOException {
        List<BytesRef> terms = featureIds.stream().map(BytesRef::new).toList();
        TopDocs td = s.search(new TermInSetQuery(F_FEATURE, terms), Math.max(1, featureIds.size() * 8));
        StoredFields stored = s.storedFields();
        Map<String, SearchHit> best = new HashMap<>();
        for (ScoreDoc sd : td.scoreDocs) {
            SearchHit h = toHit(stored.document(sd.doc), "feature", 0);
            best.merge(h.featureId(), h, (a, b) -> score(a) >= score(b) ? a : b);
        }
        Map<String, SearchHit> ordered = new LinkedHashMap<>();
        for (String id : featureIds) if (best.containsKey(id)) ordered.put(id, best.get(id));
        return ordered;
    }

    private static double score(SearchHit h) {
        return h.simulation() == null ? Double.NEGATIVE_INFINITY : h.simulation();
    }

    /**
     * {@code chineseVector}: the query's bge-small-zh embedding for the Chinese kNN ({@link ChineseSearch}), or null;
     * {@code ranking}: how hits are ordered ({@link FeatureIndex.Ranking}).
     */
    SearchResult search(IndexSearcher s, SearchQuery q, float[] queryVector, float[] chineseVector, FeatureIndex.Side side,
                        FeatureIndex.Ranking ranking) throws IOException {
        return q.browsing() ? browse(s, q)
                : fused(s, q, side == FeatureIndex.Side.TEXT ? null : queryVector, side == FeatureIndex.Side.TEXT ? null : chineseVector,
                side != FeatureIndex.Side.VECTOR, ranking);
    }

    private SearchResult browse(IndexSearcher s, SearchQuery q) throws IOException {
        Query filter = filter(q);
        // best simulation score first; unscored last; ties in index order
        Sort sort = new Sort(
                DoubleField.newSortField(F_SIMULATION, true, SortedNumericSelector.Type.MAX, Double.NEGATIVE_INFINITY),
                SortField.FIELD_DOC);
        TopDocs td = s.search(filter, q.offset() + q.limit(), sort);
        long total = s.count(filter);
        SortedMap<Integer, Long> facets = s.search(filter, new LayerCounts());
        StoredFields stored = s.storedFields();
        List<SearchHit> hits = new ArrayList<>();
        for (int i = q.offset(); i < td.scoreDocs.length; i++) {
            hits.add(toHit(stored.document(td.scoreDocs[i].doc), "filter", 0));
        }
        return new SearchResult(hits, total, facets);
    }

    private SearchResult fused(IndexSearcher s, SearchQuery q, float[] queryVector, float[] chineseVector, boolean withText,
                               FeatureIndex.Ranking ranking) throws IOException {
        int window = Math.max(100, q.offset() + q.limit());
        Query filter = filter(q);
        // a query that asks for a word class also looks for the class's own name ("end of sentence" finds "sentence-final")
        String classTag = ranking == FeatureIndex.Ranking.CLASS_AWARE ? ClassQuery.tagOf(q.text()) : null;
        String className = classTag == null ? null : ClassQuery.nameOf(classTag);
        Query textQuery = withText ? textQuery(className == null ? q.text() : q.text() + " " + className) : null;
        TopDocs text = new TopDocs(new TotalHits(0, TotalHits.Relation.EQUAL_TO), new ScoreDoc[0]);
        if (textQuery != null) {
            Query scoped = new BooleanQuery.Builder()
                    .add(textQuery, BooleanClause.Occur.MUST)
                    .add(filter, BooleanClause.Occur.FILTER).build();
            // the text side's total is not needed beyond the window (MatchCounts counts every match), so BM25 may
            // skip non-competitive documents as soon as the window is full
            text = s.search(scoped, new org.apache.lucene.search.TopScoreDocCollectorManager(window, null, window));
        }
        TopDocs vector = new TopDocs(new TotalHits(0, TotalHits.Relation.EQUAL_TO), new ScoreDoc[0]);
        if (queryVector != null) {
            float[] target = normalized(queryVector, "the query");
            Query knn = vectorQuery(s, target, window, filter instanceof MatchAllDocsQuery ? null : filter, oversample, optimistic);
            TopDocs raw = s.search(knn, window);
            // DOT_PRODUCT scores are (1 + cos) / 2: keep only hits that are actually similar
            float minScore = (float) ((1 + minCosine) / 2);
            ScoreDoc[] kept = java.util.Arrays.stream(raw.scoreDocs).filter(sd -> sd.score >= minScore).toArray(ScoreDoc[]::new);
            vector = new TopDocs(new TotalHits(kept.length, TotalHits.Relation.EQUAL_TO), kept);
        }
        TopDocs zhVector = ChineseSearch.knn(s, chineseVector, window, filter, minCosine);
        TopDocs fused = TopDocs.rrf(window, FeatureIndex.RRF_K, new TopDocs[]{text, vector, zhVector});
        Set<Integer> textDocs = docs(text), vectorDocs = docs(vector);
        vectorDocs.addAll(docs(zhVector));

        // quality: among equally relevant hits the better-scored explanation first
        ScoreDoc[] ranked = weighByQuality(s, fused.scoreDocs);
        StoredFields stored = s.storedFields();
        if (classTag != null) ranked = ClassRanking.rank(classTag, ranked, doc -> stored.document(doc));
        List<SearchHit> hits = new ArrayList<>();
        for (int i = q.offset(); i < Math.min(ranked.length, q.offset() + q.limit()); i++) {
            ScoreDoc sd = ranked[i];
            boolean t = textDocs.contains(sd.doc), v = vectorDocs.contains(sd.doc);
            hits.add(toHit(stored.document(sd.doc), t && v ? "both" : t ? "text" : "vector", sd.score));
        }
        // total and facets count every match: all text matches (not only the fused window) and the similar kNN hits
        if (textQuery != null
                && (text.totalHits.value() > text.scoreDocs.length || text.totalHits.relation() != TotalHits.Relation.EQUAL_TO)) {
            MatchCounts.Counts counts = MatchCounts.count(s, textQuery, filter, vectorDocs);
            return new SearchResult(hits, counts.total(), counts.layers());
        }
        Set<Integer> all = new HashSet<>(vectorDocs);
        if (textQuery != null) all.addAll(textDocs);
        return new SearchResult(hits, all.size(), layerCounts(s, all));
    }

    /** Lucene's kNN query, or with {@code optimistic} false, one that walks every segment's graph for all {@code k}. */
    static KnnFloatVectorQuery knnQuery(float[] target, int k, Query filter, boolean optimistic) {
        return optimistic ? new KnnFloatVectorQuery(F_VECTOR, target, k, filter) : new FullKnnQuery(target, k, filter);
    }

    /**
     * A kNN query that walks each segment's graph for all k candidates. Lucene's walks each segment first for its share
     * of k (by its size) and again only where that share was competitive: cheaper with many segments, but where they are
     * many and alike (a segment per layer) the shares miss true neighbours (10M: recall@10 0.928 against 0.950).
     */
    static final class FullKnnQuery extends KnnFloatVectorQuery {
        FullKnnQuery(float[] target, int k, Query filter) {
            super(F_VECTOR, target, k, filter);
        }

        @Override
        protected org.apache.lucene.search.knn.KnnCollectorManager getKnnCollectorManager(int k, IndexSearcher searcher) {
            org.apache.lucene.search.knn.KnnCollectorManager m = super.getKnnCollectorManager(k, searcher);
            return new org.apache.lucene.search.knn.KnnCollectorManager() {
                @Override
                public org.apache.lucene.search.KnnCollector newCollector(int visitedLimit, org.apache.lucene.search.knn.KnnSearchStrategy st,
                                                                          org.apache.lucene.index.LeafReaderContext ctx) throws java.io.IOException {
                    return m.newCollector(visitedLimit, st, ctx);
                }

                @Override
                public boolean isOptimistic() {
                    return false;
                }
            };
        }
    }

    /**
     * The kNN side: the {@code k} nearest documents by HNSW. Where segments hold quantized vectors ({@link VectorFormat}),
     * the graph walk on the quantized vectors collects {@code oversample} × k candidates, and all of them are rescored with
     * the float vectors stored beside them, the best k kept: hits carry exact cosine scores (the similarity threshold and
     * the fusion see the same numbers as with float vectors), and a true neighbour the graph walk on quantized scores ranked
     * below the k-th candidate can still be found (10M blended documents in 2 segments: recall@10 0.778 with no oversampling, 0.832
     * with 3; docs/speed-at-scale.md).
     */
    static Query vectorQuery(IndexSearcher s, float[] target, int k, Query filter, double oversample, boolean optimistic) {
        if (!IndexStorage.quantized(s.getIndexReader())) return knnQuery(target, k, filter, optimistic);
        int candidates = (int) Math.min(10_000, Math.ceil(k * oversample));
        Query knn = knnQuery(target, Math.max(k, candidates), filter, optimistic);
        return org.apache.lucene.search.RescoreTopNQuery.createFullPrecisionRescorerQuery(knn, target, F_VECTOR, k);
    }

    /**
     * Fused score × (1 + qualityWeight × quality), quality being the simulation score's 95% lower bound where the
     * document has one, else the score, clamped to [0, 1] (unscored: 0). Ties keep the fused order.
     */
    private ScoreDoc[] weighByQuality(IndexSearcher s, ScoreDoc[] fused) throws IOException {
        if (qualityWeight == 0 || fused.length == 0) return fused;
        Map<Integer, Double> quality = qualities(s, fused);
        Integer[] order = new Integer[fused.length];
        double[] score = new double[fused.length];
        for (int i = 0; i < fused.length; i++) {
            order[i] = i;
            score[i] = fused[i].score * (1 + qualityWeight * quality.getOrDefault(fused[i].doc, 0.0));
        }
        java.util.Arrays.sort(order, (a, b) -> score[a] != score[b] ? Double.compare(score[b], score[a]) : Integer.compare(a, b));
        ScoreDoc[] out = new ScoreDoc[fused.length];
        for (int i = 0; i < out.length; i++) out[i] = new ScoreDoc(fused[order[i]].doc, (float) score[order[i]]);
        return out;
    }

    /** Each document's quality from doc values: the simulation lower bound, else the simulation score. */
    private static Map<Integer, Double> qualities(IndexSearcher s, ScoreDoc[] hits) throws IOException {
        int[] docs = new int[hits.length];
        for (int i = 0; i < hits.length; i++) docs[i] = hits[i].doc;
        java.util.Arrays.sort(docs);
        List<LeafReaderContext> leaves = s.getIndexReader().leaves();
        Map<Integer, Double> out = new HashMap<>();
        int leafIndex = -1;
        SortedNumericDocValues low = null, sim = null;
        for (int doc : docs) {
            int li = org.apache.lucene.index.ReaderUtil.subIndex(doc, leaves);
            if (li != leafIndex) {
                leafIndex = li;
                low = leaves.get(li).reader().getSortedNumericDocValues(F_SIMULATION_LOW);
                sim = leaves.get(li).reader().getSortedNumericDocValues(F_SIMULATION);
            }
            int local = doc - leaves.get(li).docBase;
            Double q = null;
            if (low != null && low.advanceExact(local)) q = org.apache.lucene.util.NumericUtils.sortableLongToDouble(low.nextValue());
            else if (sim != null && sim.advanceExact(local)) q = org.apache.lucene.util.NumericUtils.sortableLongToDouble(sim.nextValue());
            if (q != null) out.put(doc, Math.max(0, Math.min(1, q)));
        }
        return out;
    }

    /** Layer counts of the given documents from doc values (stored fields would decompress a block per hit). */
    private static SortedMap<Integer, Long> layerCounts(IndexSearcher s, Collection<Integer> hits) throws IOException {
        int[] docs = hits.stream().mapToInt(Integer::intValue).sorted().toArray();
        List<LeafReaderContext> leaves = s.getIndexReader().leaves();
        SortedMap<Integer, Long> counts = new TreeMap<>();
        int leafIndex = -1;
        SortedNumericDocValues layers = null;
        for (int doc : docs) {
            int li = org.apache.lucene.index.ReaderUtil.subIndex(doc, leaves);
            if (li != leafIndex) {
                leafIndex = li;
                layers = leaves.get(li).reader().getSortedNumericDocValues(F_LAYER);
            }
            if (layers != null && layers.advanceExact(doc - leaves.get(li).docBase)) {
                counts.merge((int) layers.nextValue(), 1L, Long::sum);
            }
        }
        return counts;
    }

    private static Set<Integer> docs(TopDocs td) {
        Set<Integer> set = new HashSet<>();
        for (ScoreDoc sd : td.scoreDocs) set.add(sd.doc);
        return set;
    }

    /** The text side of a query, as {@link #search} builds it (tests compare counts against it). */
    Query textQueryForTest(String text) {
        return textQuery(text);
    }

    private Query textQuery(String text) {
        QueryBuilder builder = new QueryBuilder(analyzer);
        Query onText = builder.createBooleanQuery(F_TEXT, text);
        Query onTokens = builder.createBooleanQuery(F_TOKENS, text);
        Query onPromotes = builder.createBooleanQuery(F_PROMOTES, text);
        Query onChinese = ChineseSearch.textQuery(text);
        if (onChinese != null) onText = onChinese;  // Chinese: bigrams, not the English field's single characters
        if (onText == null && onTokens == null) return null;
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        if (onText != null) b.add(onText, BooleanClause.Occur.SHOULD);
        if (onTokens != null) b.add(new BoostQuery(onTokens, 0.5f), BooleanClause.Occur.SHOULD);
        if (onPromotes != null) b.add(new BoostQuery(onPromotes, 0.5f), BooleanClause.Occur.SHOULD);
        return b.build();
    }

    static Query filter(SearchQuery q) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        int clauses = 0;
        if (q.model() != null) { b.add(new TermQuery(new Term(F_MODEL, q.model())), BooleanClause.Occur.FILTER); clauses++; }
        if (q.layer() != null) { b.add(IntField.newExactQuery(F_LAYER, q.layer()), BooleanClause.Occur.FILTER); clauses++; }
        if (q.kind() != null) { b.add(new TermQuery(new Term(F_KIND, q.kind())), BooleanClause.Occur.FILTER); clauses++; }
        if (q.explainer() != null) { b.add(new TermQuery(new Term(F_EXPLAINER, q.explainer())), BooleanClause.Occur.FILTER); clauses++; }
        if (q.minScore() != null) {
            b.add(DoubleField.newRangeQuery(F_SIMULATION, q.minScore(), Double.POSITIVE_INFINITY), BooleanClause.Occur.FILTER);
            clauses++;
        }
        if (q.minScoreLow() != null) {
            b.add(DoubleField.newRangeQuery(F_SIMULATION_LOW, q.minScoreLow(), Double.POSITIVE_INFINITY), BooleanClause.Occur.FILTER);
            clauses++;
        }
        if (q.minCausal() != null) {
            b.add(DoubleField.newRangeQuery(F_CAUSAL, q.minCausal(), Double.POSITIVE_INFINITY), BooleanClause.Occur.FILTER);
            clauses++;
        }
        return clauses == 0 ? new MatchAllDocsQuery() : b.build();
    }

    /** Counts matching documents per layer from the layer's doc values. */
    private static final class LayerCounts implements CollectorManager<LayerCounts.Counter, SortedMap<Integer, Long>> {
        static final class Counter extends SimpleCollector {
            final Map<Integer, Long> counts = new HashMap<>();
            SortedNumericDocValues layers;

            @Override
            protected void doSetNextReader(LeafReaderContext context) throws IOException {
                layers = context.reader().getSortedNumericDocValues(F_LAYER);
            }

            @Override
            public void collect(int doc) throws IOException {
                if (layers != null && layers.advanceExact(doc)) counts.merge((int) layers.nextValue(), 1L, Long::sum);
            }

            @Override
            public ScoreMode scoreMode() {
                return ScoreMode.COMPLETE_NO_SCORES;
            }
        }

        @Override
        public Counter newCollector() {
            return new Counter();
        }

        @Override
        public SortedMap<Integer, Long> reduce(Collection<Counter> collectors) {
            SortedMap<Integer, Long> all = new TreeMap<>();
            for (Counter c : collectors) c.counts.forEach((k, v) -> all.merge(k, v, Long::sum));
            return all;
        }
    }

}
