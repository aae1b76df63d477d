package lantern.index;

import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;

import java.io.IOException;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.WeakHashMap;

/**
 * The total and the per-layer counts of a fused search's matches (every text match, not only the fused window, plus
 * the kNN hits), counted on bit sets: the text query's matches go into one bit set per segment in bulk, the kNN hits
 * are set beside them, and each layer's count is the population count of that set and-ed with the segment's bit set
 * of the layer's documents (built once per segment from the layer's doc values and cached while the segment lives).
 * At 10 million documents a broad text query matches millions; a hash set of their ids took most of a query's time.
 */
final class MatchCounts {
    /** Segments with more distinct layers than this count from doc values instead of caching a bit set per layer. */
    static final int MAX_CACHED_LAYERS = 256;

    /** Per segment core: layer → its documents (null: too many layers to cache). */
    private static final Map<Object, Map<Integer, FixedBitSet>> LAYERS = Collections.synchronizedMap(new WeakHashMap<>());

    private MatchCounts() {
    }

    record Counts(long total, SortedMap<Integer, Long> layers) {
    }

    /**
     * @param textQuery the text side with its filter (null: no text side)
     * @param docs      further matching documents (global doc ids: the kNN hits)
     */
    static Counts count(IndexSearcher s, Query textQuery, Collection<Integer> docs) throws IOException {
        IndexReader reader = s.getIndexReader();
        List<LeafReaderContext> leaves = reader.leaves();
        Weight weight = textQuery == null ? null : s.createWeight(s.rewrite(textQuery), ScoreMode.COMPLETE_NO_SCORES, 1f);
        long total = 0;
        SortedMap<Integer, Long> layers = new TreeMap<>();
        int[] sorted = docs.stream().mapToInt(Integer::intValue).sorted().toArray();
        int next = 0;
        for (LeafReaderContext leaf : leaves) {
            int maxDoc = leaf.reader().maxDoc();
            FixedBitSet bits = new FixedBitSet(maxDoc);
            if (weight != null) {
                Scorer scorer = weight.scorer(leaf);
                if (scorer != null) {
                    DocIdSetIterator it = scorer.iterator();
                    it.nextDoc();
                    it.intoBitSet(DocIdSetIterator.NO_MORE_DOCS, bits, 0);
                    Bits live = leaf.reader().getLiveDocs(); // a scorer's iterator still walks deleted documents
                    if (live != null) {
                        for (int d = bits.nextSetBit(0); d != DocIdSetIterator.NO_MORE_DOCS; d = d + 1 < maxDoc ? bits.nextSetBit(d + 1) : DocIdSetIterator.NO_MORE_DOCS) {
                            if (!live.get(d)) bits.clear(d);
                        }
                    }
                }
            }
            while (next < sorted.length && sorted[next] < leaf.docBase + maxDoc) bits.set(sorted[next++] - leaf.docBase);
            int n = bits.cardinality();
            if (n == 0) continue;
            total += n;
            Map<Integer, FixedBitSet> byLayer = layerSets(leaf);
            if (byLayer != null) {
                for (Map.Entry<Integer, FixedBitSet> e : byLayer.entrySet()) {
                    long c = FixedBitSet.intersectionCount(bits, e.getValue());
                    if (c > 0) layers.merge(e.getKey(), c, Long::sum);
                }
            } else {
                SortedNumericDocValues values = leaf.reader().getSortedNumericDocValues(IndexSchema.F_LAYER);
                if (values == null) continue;
                for (int d = bits.nextSetBit(0); d != DocIdSetIterator.NO_MORE_DOCS; d = d + 1 < maxDoc ? bits.nextSetBit(d + 1) : DocIdSetIterator.NO_MORE_DOCS) {
                    if (values.advanceExact(d)) layers.merge((int) values.nextValue(), 1L, Long::sum);
                }
            }
        }
        return new Counts(total, layers);
    }

    /** The segment's documents by layer (its first layer value, as the doc-values count reads it); cached per core. */
    private static Map<Integer, FixedBitSet> layerSets(LeafReaderContext leaf) throws IOException {
        var helper = leaf.reader().getCoreCacheHelper();
        Object key = helper == null ? null : helper.getKey();
        if (key != null && LAYERS.containsKey(key)) return LAYERS.get(key);
        Map<Integer, FixedBitSet> sets = new TreeMap<>();
        int maxDoc = leaf.reader().maxDoc();
        SortedNumericDocValues values = leaf.reader().getSortedNumericDocValues(IndexSchema.F_LAYER);
        if (values != null) {
            for (int d = values.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = values.nextDoc()) {
                int layer = (int) values.nextValue();
                FixedBitSet set = sets.get(layer);
                if (set == null) {
                    if (sets.size() == MAX_CACHED_LAYERS) {
                        sets = null;
                        break;
                    }
                    set = new FixedBitSet(maxDoc);
                    sets.put(layer, set);
                }
                set.set(d);
            }
        }
        if (key != null) LAYERS.put(key, sets);
        return sets;
    }
}
