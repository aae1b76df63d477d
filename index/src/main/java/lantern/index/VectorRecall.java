package lantern.index;

import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.VectorUtil;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Recall@k of the index's vector search against exact search: for each query, the k documents with the highest dot
 * product over every stored float vector (a brute-force pass over the whole index, all queries at once) against the k
 * the HNSW search returns, both raw (the graph alone, on quantized vectors where the index has them) and as the
 * service searches ({@link FeatureSearcher#vectorQuery}: a wider window, rescored with the float vectors where quantized).
 */
public final class VectorRecall {
    private VectorRecall() {
    }

    /**
     * @param raw     mean recall@k of a plain k-nearest HNSW search
     * @param service mean recall@k of the top k of the service's kNN ({@code window} candidates, rescored if quantized)
     * @param exactSeconds time of the brute-force pass
     */
    public record Result(int queries, int k, int window, double raw, double service, double exactSeconds, long vectors,
                         java.util.SortedMap<Double, Double> byOversample, double serviceWithin,
                         java.util.SortedMap<Double, Double> byOversampleWithin) {
    }

    /**
     * The tolerance of the "within" recall, as ann-benchmarks counts a neighbour: a returned document counts when its
     * exact distance (1 - cosine) is at most the k-th exact neighbour's plus this (their default epsilon, 1e-3), so a
     * document tied with a true neighbour to the third decimal is not a miss.
     */
    public static final double EPSILON = 1e-3;

    public static Result measure(FeatureIndex index, float[][] queries, int k, int window) {
        return measure(index, queries, k, window, FeatureSearcher.DEFAULT_OVERSAMPLE, new double[0]);
    }

    /**
     * @param oversample    the service's oversampling factor for quantized vectors ({@link FeatureSearcher#vectorQuery})
     * @param alsoOversample further factors whose recall is measured against the same exact top k (quantized indexes)
     */
    public static Result measure(FeatureIndex index, float[][] queries, int k, int window, double oversample, double[] alsoOversample) {
        return measure(index, queries, k, window, oversample, alsoOversample, null);
    }

    /** As above; with a {@code layer}, within that layer: its exact top k against the search with its layer filter. */
    public static Result measure(FeatureIndex index, float[][] queries, int k, int window, double oversample, double[] alsoOversample,
                                 Integer layer) {
        return index.withSearcher(s -> measure(s, queries, k, window, oversample, index.optimisticKnn(), alsoOversample, layer));
    }

    static Result measure(IndexSearcher s, float[][] queries, int k, int window, double oversample, boolean optimistic,
                          double[] alsoOversample, Integer layer) throws IOException {
        org.apache.lucene.search.Query filter = layer == null ? null
                : org.apache.lucene.document.IntField.newExactQuery(IndexSchema.F_LAYER, layer);
        float[][] q = new float[queries.length][];
        for (int i = 0; i < q.length; i++) q[i] = IndexSchema.normalized(queries[i], "query " + i);
        long t0 = System.nanoTime();
        int[][] exactDocs = new int[q.length][k];
        float[][] exactScores = new float[q.length][k];
        for (float[] row : exactScores) Arrays.fill(row, Float.NEGATIVE_INFINITY);
        for (int[] row : exactDocs) Arrays.fill(row, -1);
        long vectors = 0;
        for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
            FloatVectorValues values = leaf.reader().getFloatVectorValues(IndexSchema.F_VECTOR);
            if (values == null) continue;
            Bits live = leaf.reader().getLiveDocs();
            org.apache.lucene.index.SortedNumericDocValues layers = leaf.reader().getSortedNumericDocValues(IndexSchema.F_LAYER);
            KnnVectorValues.DocIndexIterator it = values.iterator();
            for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
                if (live != null && !live.get(doc)) continue;
                if (layer != null && (layers == null || !layers.advanceExact(doc) || layers.nextValue() != layer)) continue;
                float[] v = values.vectorValue(it.index());
                vectors++;
                for (int i = 0; i < q.length; i++) {
                    float score = VectorUtil.dotProduct(q[i], v);
                    if (score > exactScores[i][k - 1]) insert(exactScores[i], exactDocs[i], score, leaf.docBase + doc);
                }
            }
        }
        double exactSeconds = (System.nanoTime() - t0) / 1e9;
        double raw = 0, service = 0, serviceWithin = 0;
        java.util.SortedMap<Double, Double> byOversample = new java.util.TreeMap<>(), byOversampleWithin = new java.util.TreeMap<>();
        for (int i = 0; i < q.length; i++) {
            Set<Integer> truth = new HashSet<>();
            for (int d : exactDocs[i]) if (d >= 0) truth.add(d);
            raw += overlap(truth, s.search(new KnnFloatVectorQuery(IndexSchema.F_VECTOR, q[i], k, filter), k).scoreDocs, k);
            ScoreDoc[] found = s.search(FeatureSearcher.vectorQuery(s, q[i], window, filter, oversample, optimistic), window).scoreDocs;
            service += overlap(truth, found, k);
            serviceWithin += within(exactScores[i][k - 1], found, k);
            for (double f : alsoOversample) {
                ScoreDoc[] more = s.search(FeatureSearcher.vectorQuery(s, q[i], window, filter, f, optimistic), window).scoreDocs;
                byOversample.merge(f, overlap(truth, more, k) / q.length, Double::sum);
                byOversampleWithin.merge(f, within(exactScores[i][k - 1], more, k) / q.length, Double::sum);
            }
        }
        return new Result(q.length, k, window, raw / q.length, service / q.length, exactSeconds, vectors, byOversample,
                serviceWithin / q.length, byOversampleWithin);
    }

    /**
     * The share of the first k hits whose exact dot product is within {@link #EPSILON} of the k-th exact one. The
     * service's hits carry exact scores (float vectors, or quantized candidates rescored with them): DOT_PRODUCT
     * scores are (1 + dot) / 2.
     */
    private static double within(float kthExact, ScoreDoc[] found, int k) {
        if (kthExact == Float.NEGATIVE_INFINITY) return 1;
        int n = 0;
        for (int i = 0; i < Math.min(k, found.length); i++) if (2.0 * found[i].score - 1 >= kthExact - EPSILON) n++;
        return n / (double) k;
    }

    /** Inserts into a descending top-k list whose last entry the score beats. */
    private static void insert(float[] scores, int[] docs, float score, int doc) {
        int j = scores.length - 1;
        while (j > 0 && scores[j - 1] < score) {
            scores[j] = scores[j - 1];
            docs[j] = docs[j - 1];
            j--;
        }
        scores[j] = score;
        docs[j] = doc;
    }

    private static double overlap(Set<Integer> truth, ScoreDoc[] found, int k) {
        if (truth.isEmpty()) return 1;
        int n = 0;
        for (int i = 0; i < Math.min(k, found.length); i++) if (truth.contains(found[i].doc)) n++;
        return n / (double) Math.min(k, truth.size());
    }
}
