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
 * The index schema: field names, codec, analyzers, and the mapping between an {@link IndexedExplanation} and its
 * Lucene document (and back to a {@link SearchHit}).
 */
final class IndexSchema {
    static final int DIMENSION = 384;
    static final String F_KEY = "key", F_FEATURE = "feature", F_MODEL = "model", F_LAYER = "layer", F_KIND = "kind",
            F_INDEX = "index", F_TEXT = "text", F_EXPLAINER = "explainer", F_SIMULATION = "simulation", F_SIMULATION_LOW = "simulationLow",
            F_DETECTION = "detection", F_EMBEDDING_SCORE = "embeddingScore", F_CAUSAL = "causal", F_TOKENS = "tokens",
            F_TOKEN = "topToken", F_PROMOTES = "promotes", F_VECTOR = "vector", F_CREATED = "createdAt";
    /** Per score: the 95% interval's lower bound (searchable, sortable), upper bound and units (stored). */
    static final String LOW = "Low", HIGH = "High", N = "N";

    /** HNSW graph: 16 links per node; a 64-wide build beam (Lucene's default is 100) builds faster at little recall cost. */
    static final int HNSW_M = 16, HNSW_BEAM_WIDTH = 64;
    /**
     * The order of documents in a sorted index: by layer (then as added), so that a layer filter selects one stretch of
     * document ids in each segment.
     */
    static final org.apache.lucene.search.Sort LAYER_SORT = new org.apache.lucene.search.Sort(
            new org.apache.lucene.search.SortedNumericSortField(F_LAYER, org.apache.lucene.search.SortField.Type.INT));
    /**
     * The document order a writer keeps in {@code dir}: the order of the index already there (a writer cannot change
     * it), {@link #LAYER_SORT} for a new index.
     */
    static org.apache.lucene.search.Sort sortOf(org.apache.lucene.store.Directory dir) throws java.io.IOException {
        if (!org.apache.lucene.index.DirectoryReader.indexExists(dir)) return LAYER_SORT;
        org.apache.lucene.index.SegmentInfos infos = org.apache.lucene.index.SegmentInfos.readLatestCommit(dir);
        if (infos.size() == 0) return LAYER_SORT; // an empty commit: no segment to keep the order of
        return infos.info(0).info.getIndexSort();
    }

    /** The vector format a writer uses unless told otherwise ({@link VectorFormat}). */
    static final VectorFormat DEFAULT_VECTOR_FORMAT = VectorFormat.FLOAT;

    private IndexSchema() {
    }

    static Analyzer analyzer() {
        return new PerFieldAnalyzerWrapper(new StandardAnalyzer(), Map.of(F_TEXT, new EnglishAnalyzer(),
                ChineseSearch.F_TEXT_ZH, ChineseSearch.analyzer()));
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
        if (e.simulationLow() != null) d.add(new DoubleField(F_SIMULATION_LOW, e.simulationLow(), StoredField.Store.YES));
        if (e.detection() != null) d.add(new DoubleField(F_DETECTION, e.detection(), StoredField.Store.YES));
        if (e.embeddingScore() != null) d.add(new DoubleField(F_EMBEDDING_SCORE, e.embeddingScore(), StoredField.Store.YES));
        if (e.causal() != null) d.add(new DoubleField(F_CAUSAL, e.causal(), StoredField.Store.YES));
        Intervals iv = e.intervals();
        addBounds(d, F_SIMULATION, iv.simulation(), false); // its lower bound is F_SIMULATION_LOW, added above
        addBounds(d, F_DETECTION, iv.detection(), true);
        addBounds(d, F_EMBEDDING_SCORE, iv.embedding(), true);
        addBounds(d, F_CAUSAL, iv.causal(), true);
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

    private static void addBounds(Document d, String score, Intervals.Bounds b, boolean low) {
        if (b == null) return;
        if (low) d.add(new DoubleField(score + LOW, b.lo(), StoredField.Store.YES));
        d.add(new StoredField(score + HIGH, b.hi()));
        d.add(new StoredField(score + N, b.n()));
    }

    /** The stored bounds of a score; null when the document has none (indexed before intervals, or not measured). */
    private static Intervals.Bounds boundsOf(Document d, String score) {
        Double lo = doubleOf(d, score + LOW), hi = doubleOf(d, score + HIGH);
        IndexableField n = d.getField(score + N);
        return lo == null || hi == null || n == null ? null : Intervals.Bounds.of(lo, hi, n.numericValue().intValue());
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

    static SearchHit toHit(Document d, String match, double relevance) {
        List<String> tokens = new ArrayList<>();
        for (IndexableField f : d.getFields(F_TOKEN)) tokens.add(f.stringValue());
        return new SearchHit(d.get(F_FEATURE), d.get(F_MODEL), intOf(d, F_LAYER), d.get(F_KIND), intOf(d, F_INDEX),
                d.get(F_TEXT), d.get(F_EXPLAINER), doubleOf(d, F_SIMULATION), doubleOf(d, F_DETECTION),
                doubleOf(d, F_EMBEDDING_SCORE), doubleOf(d, F_CAUSAL), Collections.unmodifiableList(tokens),
                d.getField(F_CREATED).numericValue().longValue(), match, relevance, doubleOf(d, F_SIMULATION_LOW),
                new Intervals(boundsOf(d, F_SIMULATION), boundsOf(d, F_DETECTION), boundsOf(d, F_EMBEDDING_SCORE), boundsOf(d, F_CAUSAL)));
    }

    private static int intOf(Document d, String field) {
        return d.getField(field).numericValue().intValue();
    }

    private static Double doubleOf(Document d, String field) {
        IndexableField f = d.getField(field);
        return f == null ? null : f.numericValue().doubleValue();
    }

}
