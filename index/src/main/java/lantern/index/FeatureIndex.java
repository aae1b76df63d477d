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

/**
 * The Lucene index of feature explanations: one document per (feature, explainer), full text (BM25, English
 * analyzer) plus a MiniLM embedding (HNSW, dot product on normalized vectors), fused with reciprocal-rank fusion.
 *
 * <p>Durability: {@link #add} buffers; only {@link #commit()} (or {@link #addAll}, which ends with one) makes writes
 * survive a crash or a close. Searches see buffered writes too (near-real-time readers).
 *
 * <p>Thread-safe. One process may hold the index for writing; others may open it {@link #openReadOnly read-only}.
 */
public final class FeatureIndex implements Closeable {
    public static final int DIMENSION = 384;
    /** Reciprocal-rank fusion constant, as in the original paper and Lucene's default usage. */
    public static final int RRF_K = 60;
    /** kNN hits below this cosine similarity to the query are not "matches" (MiniLM: unrelated texts sit below ~0.3). */
    public static final double DEFAULT_MIN_COSINE = 0.35;

    static final String F_KEY = "key", F_FEATURE = "feature", F_MODEL = "model", F_LAYER = "layer", F_KIND = "kind",
            F_INDEX = "index", F_TEXT = "text", F_EXPLAINER = "explainer", F_SIMULATION = "simulation",
            F_DETECTION = "detection", F_EMBEDDING_SCORE = "embeddingScore", F_CAUSAL = "causal", F_TOKENS = "tokens",
            F_TOKEN = "topToken", F_PROMOTES = "promotes", F_VECTOR = "vector", F_CREATED = "createdAt";

    /** HNSW graph: 16 links per node; a 64-wide build beam (Lucene's default is 100) builds faster at little recall cost. */
    static final int HNSW_M = 16, HNSW_BEAM_WIDTH = 64;
    private static final org.apache.lucene.codecs.Codec CODEC = new org.apache.lucene.codecs.lucene104.Lucene104Codec() {
        @Override
        public org.apache.lucene.codecs.KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return new org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat(HNSW_M, HNSW_BEAM_WIDTH);
        }
    };

    private final Directory directory;
    private final IndexWriter writer;          // null when read-only
    private final Analyzer analyzer;
    private final SearcherManager searchers;   // null for a read-only index that does not exist yet
    private final double minCosine;
    private volatile boolean stale;
    private final Object commitLock = new Object();
    private long committedSeq = -1;

    private FeatureIndex(Directory directory, IndexWriter writer, Analyzer analyzer, SearcherManager searchers,
                         double minCosine) {
        this.directory = directory;
        this.writer = writer;
        this.analyzer = analyzer;
        this.searchers = searchers;
        this.minCosine = minCosine;
    }

    /** Opens (creating if needed) the index in {@code dir} for reading and writing. */
    public static FeatureIndex open(Path dir) {
        return open(dir, DEFAULT_MIN_COSINE);
    }

    public static FeatureIndex open(Path dir, double minCosine) {
        try {
            Files.createDirectories(dir);
            Directory directory = FSDirectory.open(dir);
            Analyzer analyzer = analyzer();
            IndexWriterConfig config = new IndexWriterConfig(analyzer)
                    .setCodec(CODEC)
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    .setRAMBufferSizeMB(128)
                    // a close is not an acknowledgement: what was not committed is dropped, exactly as in a crash
                    .setCommitOnClose(false);
            IndexWriter writer = new IndexWriter(directory, config);
            return new FeatureIndex(directory, writer, analyzer, new SearcherManager(writer, null), minCosine);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open feature index at " + dir, e);
        }
    }

    /** Opens the last commit of the index in {@code dir} for searching only (no write lock); empty if there is none. */
    public static FeatureIndex openReadOnly(Path dir) {
        try {
            if (!Files.isDirectory(dir)) return new FeatureIndex(null, null, analyzer(), null, DEFAULT_MIN_COSINE);
            Directory directory = FSDirectory.open(dir);
            SearcherManager searchers;
            try {
                searchers = new SearcherManager(directory, null);
            } catch (IndexNotFoundException e) {
                searchers = null;
            }
            return new FeatureIndex(directory, null, analyzer(), searchers, DEFAULT_MIN_COSINE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open feature index at " + dir, e);
        }
    }

    private static Analyzer analyzer() {
        return new PerFieldAnalyzerWrapper(new StandardAnalyzer(), Map.of(F_TEXT, new EnglishAnalyzer()));
    }

    // ---------------------------------------------------------------- writing

    /**
     * Adds or replaces the explanation's document. Not durable until {@link #commit()} or {@link #commitThrough}.
     * Returns the write's sequence number.
     */
    public long add(IndexedExplanation e) {
        requireWritable();
        try {
            long seq = writer.updateDocument(new Term(F_KEY, e.key()), toDocument(e));
            stale = true;
            return seq;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Adds or replaces every explanation, then commits: when this returns, all of them survive a crash. */
    public void addAll(Collection<IndexedExplanation> batch) {
        for (IndexedExplanation e : batch) add(e);
        commit();
    }

    /** Makes every write so far durable. */
    public void commit() {
        requireWritable();
        synchronized (commitLock) {
            try {
                committedSeq = Math.max(committedSeq, writer.commit());
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
    }

    /**
     * Group commit: returns once the write with sequence number {@code seq} (from {@link #add}) is durable. Threads
     * arriving together share one commit (one round of fsyncs) instead of committing one after another.
     */
    public void commitThrough(long seq) {
        requireWritable();
        synchronized (commitLock) {
            if (committedSeq >= seq) return;
            try {
                committedSeq = Math.max(committedSeq, writer.commit());
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
    }

    /** Removes every explanation of a feature (all explainers). Not durable until {@link #commit()}. */
    public void deleteFeature(String featureId) {
        requireWritable();
        try {
            writer.deleteDocuments(new Term(F_FEATURE, featureId));
            stale = true;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private void requireWritable() {
        if (writer == null) throw new IllegalStateException("the feature index is open read-only");
    }

    static Document toDocument(IndexedExplanation e) {
        Document d = new Document();
        d.add(new StringField(F_KEY, e.key(), StoredField.Store.NO));
        d.add(new StringField(F_FEATURE, e.featureId(), StoredField.Store.YES));
        d.add(new StringField(F_MODEL, e.model(), StoredField.Store.YES));
        d.add(new IntField(F_LAYER, e.layer(), StoredField.Store.YES));
        d.add(new StringField(F_KIND, e.kind(), StoredField.Store.YES));
        d.add(new IntField(F_INDEX, e.index(), StoredField.Store.YES));
        d.add(new TextField(F_TEXT, e.text(), StoredField.Store.YES));
        d.add(new StringField(F_EXPLAINER, e.explainer(), StoredField.Store.YES));
        if (e.simulation() != null) d.add(new DoubleField(F_SIMULATION, e.simulation(), StoredField.Store.YES));
        if (e.detection() != null) d.add(new DoubleField(F_DETECTION, e.detection(), StoredField.Store.YES));
        if (e.embeddingScore() != null) d.add(new DoubleField(F_EMBEDDING_SCORE, e.embeddingScore(), StoredField.Store.YES));
        if (e.causal() != null) d.add(new DoubleField(F_CAUSAL, e.causal(), StoredField.Store.YES));
        if (!e.topTokens().isEmpty()) {
            d.add(new TextField(F_TOKENS, String.join(" ", e.topTokens()), StoredField.Store.NO));
            for (String t : e.topTokens()) d.add(new StoredField(F_TOKEN, t));
        }
        if (!e.promotes().isEmpty()) {
            d.add(new TextField(F_PROMOTES, String.join(" ", e.promotes()), StoredField.Store.NO));
        }
        if (e.embedding() != null) d.add(new KnnFloatVectorField(F_VECTOR, normalized(e.embedding(), e.featureId()),
                VectorSimilarityFunction.DOT_PRODUCT));
        d.add(new LongField(F_CREATED, e.createdAt(), StoredField.Store.YES));
        return d;
    }

    static float[] normalized(float[] v, String what) {
        if (v.length != DIMENSION) {
            throw new IllegalArgumentException("embedding of " + what + " has " + v.length + " dims, expected " + DIMENSION);
        }
        double norm = 0;
        for (float x : v) {
            if (!Float.isFinite(x)) throw new IllegalArgumentException("embedding of " + what + " is not finite");
            norm += x * x;
        }
        if (norm == 0) throw new IllegalArgumentException("embedding of " + what + " is all zeros");
        return Math.abs(norm - 1) < 1e-4 ? v : VectorUtil.l2normalize(v.clone());
    }

    // ---------------------------------------------------------------- reading

    /** Documents visible to searches (including uncommitted ones in the writing process). */
    public int size() {
        return withSearcher(s -> s.getIndexReader().numDocs());
    }

    /** How many documents hold this feature (one per explainer). */
    public int countFeature(String featureId) {
        return withSearcher(s -> s.count(new TermQuery(new Term(F_FEATURE, featureId))));
    }

    /**
     * The best explanation (highest simulation score) of each feature, in the order of the ids; features without
     * an explanation are left out. Used to join "search by inference" results with the index.
     */
    public Map<String, SearchHit> explanationsFor(List<String> featureIds) {
        if (featureIds.isEmpty()) return Map.of();
        return withSearcher(s -> {
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
        });
    }

    private static double score(SearchHit h) {
        return h.simulation() == null ? Double.NEGATIVE_INFINITY : h.simulation();
    }

    /**
     * Runs a query. {@code queryVector} is the query text's MiniLM embedding, or null for full text only.
     */
    public SearchResult search(SearchQuery q, float[] queryVector) {
        return search(q, queryVector, Side.BOTH);
    }

    /** Which side of a text query runs: both (fused), BM25 only, or kNN only. */
    public enum Side { BOTH, TEXT, VECTOR }

    /** As {@link #search(SearchQuery, float[])}, restricted to one side (benchmarks and comparisons). */
    public SearchResult search(SearchQuery q, float[] queryVector, Side side) {
        return withSearcher(s -> q.browsing() ? browse(s, q)
                : fused(s, q, side == Side.TEXT ? null : queryVector, side != Side.VECTOR));
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

    private SearchResult fused(IndexSearcher s, SearchQuery q, float[] queryVector, boolean withText) throws IOException {
        int window = Math.max(100, q.offset() + q.limit());
        Query filter = filter(q);
        Query textQuery = withText ? textQuery(q.text()) : null;
        TopDocs text;
        if (textQuery == null) {
            text = new TopDocs(new TotalHits(0, TotalHits.Relation.EQUAL_TO), new ScoreDoc[0]);
        } else {
            Query scoped = new BooleanQuery.Builder()
                    .add(textQuery, BooleanClause.Occur.MUST)
                    .add(filter, BooleanClause.Occur.FILTER).build();
            text = s.search(scoped, window);
        }
        TopDocs vector = new TopDocs(new TotalHits(0, TotalHits.Relation.EQUAL_TO), new ScoreDoc[0]);
        if (queryVector != null) {
            float[] target = normalized(queryVector, "the query");
            Query knn = new KnnFloatVectorQuery(F_VECTOR, target, window,
                    filter instanceof MatchAllDocsQuery ? null : filter);
            TopDocs raw = s.search(knn, window);
            // DOT_PRODUCT scores are (1 + cos) / 2: keep only hits that are actually similar
            float minScore = (float) ((1 + minCosine) / 2);
            ScoreDoc[] kept = java.util.Arrays.stream(raw.scoreDocs).filter(sd -> sd.score >= minScore).toArray(ScoreDoc[]::new);
            vector = new TopDocs(new TotalHits(kept.length, TotalHits.Relation.EQUAL_TO), kept);
        }
        TopDocs fused = TopDocs.rrf(window, RRF_K, new TopDocs[]{text, vector});
        Set<Integer> textDocs = docs(text), vectorDocs = docs(vector);

        StoredFields stored = s.storedFields();
        List<SearchHit> hits = new ArrayList<>();
        for (int i = q.offset(); i < Math.min(fused.scoreDocs.length, q.offset() + q.limit()); i++) {
            ScoreDoc sd = fused.scoreDocs[i];
            boolean t = textDocs.contains(sd.doc), v = vectorDocs.contains(sd.doc);
            hits.add(toHit(stored.document(sd.doc), t && v ? "both" : t ? "text" : "vector", sd.score));
        }
        return new SearchResult(hits, fused.scoreDocs.length, layerCounts(s, fused.scoreDocs));
    }

    /** Layer counts of the given hits from doc values (stored fields would decompress a block per hit). */
    private static SortedMap<Integer, Long> layerCounts(IndexSearcher s, ScoreDoc[] hits) throws IOException {
        int[] docs = new int[hits.length];
        for (int i = 0; i < hits.length; i++) docs[i] = hits[i].doc;
        java.util.Arrays.sort(docs);
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

    private Query textQuery(String text) {
        QueryBuilder builder = new QueryBuilder(analyzer);
        Query onText = builder.createBooleanQuery(F_TEXT, text);
        Query onTokens = builder.createBooleanQuery(F_TOKENS, text);
        Query onPromotes = builder.createBooleanQuery(F_PROMOTES, text);
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
        if (q.minCausal() != null) {
            b.add(DoubleField.newRangeQuery(F_CAUSAL, q.minCausal(), Double.POSITIVE_INFINITY), BooleanClause.Occur.FILTER);
            clauses++;
        }
        return clauses == 0 ? new MatchAllDocsQuery() : b.build();
    }

    static SearchHit toHit(Document d, String match, double relevance) {
        List<String> tokens = new ArrayList<>();
        for (IndexableField f : d.getFields(F_TOKEN)) tokens.add(f.stringValue());
        return new SearchHit(d.get(F_FEATURE), d.get(F_MODEL), intOf(d, F_LAYER), d.get(F_KIND), intOf(d, F_INDEX),
                d.get(F_TEXT), d.get(F_EXPLAINER), doubleOf(d, F_SIMULATION), doubleOf(d, F_DETECTION),
                doubleOf(d, F_EMBEDDING_SCORE), doubleOf(d, F_CAUSAL), Collections.unmodifiableList(tokens),
                d.getField(F_CREATED).numericValue().longValue(), match, relevance);
    }

    private static int intOf(Document d, String field) {
        return d.getField(field).numericValue().intValue();
    }

    private static Double doubleOf(Document d, String field) {
        IndexableField f = d.getField(field);
        return f == null ? null : f.numericValue().doubleValue();
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

    // ---------------------------------------------------------------- plumbing

    private interface SearcherWork<T> {
        T run(IndexSearcher searcher) throws IOException;
    }

    private <T> T withSearcher(SearcherWork<T> work) {
        try {
            if (searchers == null) return work.run(new IndexSearcher(emptyReader()));
            if (stale) {
                stale = false;
                searchers.maybeRefreshBlocking();
            } else if (writer == null) {
                searchers.maybeRefresh(); // a read-only view follows the writer's commits
            }
            IndexSearcher s = searchers.acquire();
            try {
                return work.run(s);
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static org.apache.lucene.index.IndexReader emptyReader() throws IOException {
        return new org.apache.lucene.index.MultiReader();
    }

    @Override
    public void close() {
        try {
            if (searchers != null) searchers.close();
            if (writer != null) writer.close();
            if (directory != null) directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
