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
import org.apache.lucene.store.MMapDirectory;
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
 * The schema lives in {@link IndexSchema}, the read side in {@link FeatureSearcher}; this class owns the writer,
 * the searchers and durability.
 *
 * <p>Durability: {@link #add} buffers; only {@link #commit()} (or {@link #addAll}, which ends with one) makes writes
 * survive a crash or a close. Searches see buffered writes too (near-real-time readers).
 *
 * <p>Thread-safe. One process may hold the index for writing; others may open it {@link #openReadOnly read-only}.
 */
public final class FeatureIndex implements Closeable {
    public static final int DIMENSION = IndexSchema.DIMENSION;
    /** Reciprocal-rank fusion constant, as in the original paper and Lucene's default usage. */
    public static final int RRF_K = 60;
    /** kNN hits below this cosine similarity to the query are not "matches" (MiniLM: unrelated texts sit below ~0.3). */
    public static final double DEFAULT_MIN_COSINE = 0.35;
    /** Quality weight of the ranking, tuned on the labelled queries of {@code RankingQualityTest}. */
    public static final double DEFAULT_QUALITY_WEIGHT = 0.05;
    /** The MiniLM vectors' HNSW graph unless a writer is told otherwise: neighbours per node, construction beam width. */
    public static final int DEFAULT_HNSW_M = IndexSchema.HNSW_M, DEFAULT_HNSW_BEAM_WIDTH = IndexSchema.HNSW_BEAM_WIDTH;

    /**
     * Searchers search a query's segments in parallel on these threads (one per core; the calling thread takes part):
     * the kNN graph walk, BM25 and the match counts are per segment, and a bulk-loaded index has several large ones.
     */
    private static final java.util.concurrent.ExecutorService SEARCH_THREADS = java.util.concurrent.Executors.newFixedThreadPool(
            Runtime.getRuntime().availableProcessors(), r -> {
                Thread t = new Thread(r, "index-search");
                t.setDaemon(true);
                return t;
            });
    private static final org.apache.lucene.search.SearcherFactory SEARCHERS = new org.apache.lucene.search.SearcherFactory() {
        @Override
        public IndexSearcher newSearcher(org.apache.lucene.index.IndexReader r, org.apache.lucene.index.IndexReader previous) {
            return new IndexSearcher(r, SEARCH_THREADS);
        }
    };

    private final Directory directory;
    private final IndexWriter writer;          // null when read-only
    private final Analyzer analyzer;
    private final SearcherManager searchers;   // null for a read-only index that does not exist yet
    private final FeatureSearcher reader;
    private volatile boolean stale;
    /** bge-small-zh embeddings of labels and queries (null where none is wanted): {@link ChineseSearch}. */
    private volatile java.util.function.Function<String, float[]> chineseEmbedder = text -> null;
    private final Object commitLock = new Object();
    private long committedSeq = -1;

    private FeatureIndex(Directory directory, IndexWriter writer, Analyzer analyzer, SearcherManager searchers,
                         double minCosine, double qualityWeight) {
        this.directory = directory;
        this.writer = writer;
        this.analyzer = analyzer;
        this.searchers = searchers;
        this.reader = new FeatureSearcher(analyzer, minCosine, qualityWeight);
    }

    /** Opens (creating if needed) the index in {@code dir} for reading and writing. */
    public static FeatureIndex open(Path dir) {
        return open(dir, DEFAULT_MIN_COSINE);
    }

    public static FeatureIndex open(Path dir, double minCosine) {
        return open(dir, minCosine, DEFAULT_QUALITY_WEIGHT);
    }

    /**
     * @param qualityWeight how much an explanation's quality lifts its fused relevance:
     *                      relevance × (1 + qualityWeight × quality); 0 ranks by relevance alone
     */
    public static FeatureIndex open(Path dir, double minCosine, double qualityWeight) {
        return open(dir, minCosine, qualityWeight, IndexSchema.DEFAULT_VECTOR_FORMAT);
    }

    /** Opens (creating if needed) the index in {@code dir}; new segments store their vectors in {@code format}. */
    public static FeatureIndex open(Path dir, VectorFormat format) {
        return open(dir, DEFAULT_MIN_COSINE, DEFAULT_QUALITY_WEIGHT, format);
    }

    /**
     * As {@link #open(Path, VectorFormat)} with the writer's RAM buffer in MB (default 128): bulk loads of millions of
     * documents flush fewer, larger segments, so fewer HNSW graphs are merged.
     */
    public static FeatureIndex open(Path dir, VectorFormat format, int ramBufferMb) {
        return open(dir, DEFAULT_MIN_COSINE, DEFAULT_QUALITY_WEIGHT, format, ramBufferMb);
    }

    public static FeatureIndex open(Path dir, double minCosine, double qualityWeight, VectorFormat format) {
        return open(dir, minCosine, qualityWeight, format, DEFAULT_RAM_BUFFER_MB);
    }

    private static final int DEFAULT_RAM_BUFFER_MB = 128;

    /**
     * The index files are memory-mapped ({@link MMapDirectory}): vectors, the HNSW graph, postings and stored fields
     * stay off the Java heap, in the operating system's page cache, so a 10-million-feature index opens in a small heap.
     */
    private static FeatureIndex open(Path dir, double minCosine, double qualityWeight, VectorFormat format, int ramBufferMb) {
        return open(dir, minCosine, qualityWeight, format, ramBufferMb, IndexSchema.HNSW_M, IndexSchema.HNSW_BEAM_WIDTH);
    }

    /**
     * As {@link #open(Path, VectorFormat, int)}, new segments' MiniLM graphs built with {@code hnswM} neighbours per node
     * and construction beam width {@code hnswBeam} (defaults 16 and 64; denser graphs find more true neighbours at the
     * cost of build time: docs/speed-at-scale.md).
     */
    public static FeatureIndex open(Path dir, VectorFormat format, int hnswM, int hnswBeam) {
        return open(dir, format, DEFAULT_RAM_BUFFER_MB, hnswM, hnswBeam);
    }

    public static FeatureIndex open(Path dir, VectorFormat format, int ramBufferMb, int hnswM, int hnswBeam) {
        return open(dir, DEFAULT_MIN_COSINE, DEFAULT_QUALITY_WEIGHT, format, ramBufferMb, hnswM, hnswBeam);
    }

    private static FeatureIndex open(Path dir, double minCosine, double qualityWeight, VectorFormat format, int ramBufferMb,
                                     int hnswM, int hnswBeam) {
        try {
            IndexOptimizer.recover(dir);
            Files.createDirectories(dir);
            Directory directory = new MMapDirectory(dir);
            Analyzer analyzer = IndexSchema.analyzer();
            IndexWriterConfig config = new IndexWriterConfig(analyzer)
                    .setCodec(format.codec(hnswM, hnswBeam, 1, null))
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    .setRAMBufferSizeMB(ramBufferMb)
                    // a close is not an acknowledgement: what was not committed is dropped, exactly as in a crash
                    .setCommitOnClose(false);
            org.apache.lucene.search.Sort order = IndexSchema.sortOf(directory);
            if (order != null) config.setIndexSort(order); // an index written before indexes were sorted keeps its order
            IndexWriter writer = new IndexWriter(directory, config);
            return new FeatureIndex(directory, writer, analyzer, new SearcherManager(writer, SEARCHERS), minCosine, qualityWeight);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open feature index at " + dir, e);
        }
    }

    /** Opens the last commit of the index in {@code dir} for searching only (no write lock); empty if there is none. */
    public static FeatureIndex openReadOnly(Path dir) {
        try {
            dir = IndexOptimizer.readable(dir); // between a sort's two renames, the old index (reading moves nothing)
            if (!Files.isDirectory(dir)) return new FeatureIndex(null, null, IndexSchema.analyzer(), null, DEFAULT_MIN_COSINE, DEFAULT_QUALITY_WEIGHT);
            Directory directory = new MMapDirectory(dir);
            SearcherManager searchers;
            try {
                searchers = new SearcherManager(directory, SEARCHERS);
            } catch (IndexNotFoundException e) {
                searchers = null;
            }
            return new FeatureIndex(directory, null, IndexSchema.analyzer(), searchers, DEFAULT_MIN_COSINE, DEFAULT_QUALITY_WEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open feature index at " + dir, e);
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * Adds or replaces the explanation's document. Not durable until {@link #commit()} or {@link #commitThrough}.
     * Returns the write's sequence number.
     */
    public long add(IndexedExplanation e) {
        requireWritable();
        try {
            org.apache.lucene.document.Document doc = IndexSchema.toDocument(e);
            ChineseSearch.addFields(doc, e.text(), chineseEmbedder.apply(e.text()));
            long seq = writer.updateDocument(new Term(IndexSchema.F_KEY, e.key()), doc);
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
            writer.deleteDocuments(new Term(IndexSchema.F_FEATURE, featureId));
            stale = true;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private void requireWritable() {
        if (writer == null) throw new IllegalStateException("the feature index is open read-only");
    }

    // ---------------------------------------------------------------- reading

    /** Documents visible to searches (including uncommitted ones in the writing process). */
    public int size() {
        return withSearcher(s -> s.getIndexReader().numDocs());
    }

    /** How many documents hold this feature (one per explainer). */
    public int countFeature(String featureId) {
        return withSearcher(s -> s.count(new TermQuery(new Term(IndexSchema.F_FEATURE, featureId))));
    }

    /**
     * The best explanation (highest simulation score) of each feature, in the order of the ids; features without
     * an explanation are left out. Used to join "search by inference" results with the index.
     */
    public Map<String, SearchHit> explanationsFor(List<String> featureIds) {
        if (featureIds.isEmpty()) return Map.of();
        return withSearcher(s -> reader.explanationsFor(s, featureIds));
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
        float[] zh = q.browsing() || side == Side.TEXT ? null : chineseEmbedder.apply(q.text());
        return withSearcher(s -> reader.search(s, q, queryVector, zh, side, Ranking.CLASS_AWARE));
    }

    /**
     * Embeds labels (as they are indexed) and queries with a Chinese encoder (bge-small-zh, 512 dims) for the kNN beside
     * MiniLM's; the function answers null for a text it should not embed.
     */
    /** Refuses an oversampling factor {@link #withQuantizedOversample} would refuse (settings are checked at start). */
    public static void checkQuantizedOversample(double factor) {
        FeatureSearcher.checkOversample(factor);
    }

    /**
     * Where segments hold quantized vectors, the kNN walks the graph for {@code factor} × the candidates it keeps and
     * rescores them all with the float vectors (default {@link FeatureSearcher#DEFAULT_OVERSAMPLE}); 1: no oversampling.
     */
    public FeatureIndex withQuantizedOversample(double factor) {
        reader.oversample(factor);
        return this;
    }

    /**
     * Lucene's optimistic kNN over several segments (true, the default: each segment walked for its share of the
     * candidates, again where that share was competitive), or false: every segment walked for all of them, which finds
     * more true neighbours where segments are many and alike ({@link IndexOptimizer#SEGMENT_PER_LAYER}).
     */
    public FeatureIndex withOptimisticKnn(boolean optimistic) {
        reader.optimistic(optimistic);
        return this;
    }

    public boolean optimisticKnn() {
        return reader.optimistic();
    }

    public FeatureIndex withChineseEmbedder(java.util.function.Function<String, float[]> embedder) {
        this.chineseEmbedder = embedder == null ? text -> null : embedder;
        return this;
    }

    /**
     * How fused hits are ordered: {@code RELEVANCE_QUALITY} weighs relevance by the simulation lower bound only (the
     * ranking before class-aware search); {@code CLASS_AWARE} (the default) also ranks, for a query that asks for a
     * word class, the labels of that class first by specificity and lower bound ({@link ClassRanking}).
     */
    public enum Ranking { RELEVANCE_QUALITY, CLASS_AWARE }

    /** As {@link #search(SearchQuery, float[])} with a chosen ranking (benchmarks compare them). */
    public SearchResult search(SearchQuery q, float[] queryVector, Ranking ranking) {
        float[] zh = q.browsing() ? null : chineseEmbedder.apply(q.text());
        return withSearcher(s -> reader.search(s, q, queryVector, zh, Side.BOTH, ranking));
    }

    /** Where the index lives and how much of it is memory-mapped rather than on the heap ({@link IndexStorage}). */
    public IndexStorage storage() {
        return withSearcher(s -> IndexStorage.of(directory, s.getIndexReader()));
    }

    // ---------------------------------------------------------------- plumbing

    interface SearcherWork<T> {
        T run(IndexSearcher searcher) throws IOException;
    }

    <T> T withSearcher(SearcherWork<T> work) {
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
