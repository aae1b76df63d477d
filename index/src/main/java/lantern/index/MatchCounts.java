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
        return count(s, textQuery, null, docs);
    }

    /**
     * @param textQuery the text side (null: none); a disjunction (as the search builds it) is counted clause by clause,
     *                  each clause's matches or-ed into the segment's bit set in bulk (iterating the disjunction itself
     *                  through its priority queue was most of a broad query's time at 10M documents)
     * @param filter    documents outside it are not counted (null: all count); it only restricts the text matches
     *                  (the kNN hits given come from a search with the same filter)
     * @param docs      further matching documents (global doc ids: the kNN hits)
     */
    static Counts count(IndexSearcher s, Query textQuery, Query filter, Collection<Integer> docs) throws IOException {
        IndexReader reader = s.getIndexReader();
        List<LeafReaderContext> leaves = reader.leaves();
        List<Weight> clauses = new java.util.ArrayList<>();
        if (textQuery != null) {
            List<Query> disjuncts = new java.util.ArrayList<>();
            disjuncts(textQuery, disjuncts);
            for (Query q : disjuncts) clauses.add(s.createWeight(s.rewrite(q), ScoreMode.COMPLETE_NO_SCORES, 1f));
        }
        // through the searcher's query cache: a filter used again (a layer, a model) is read from a cached bit set
        Weight filterWeight = filter == null || filter instanceof org.apache.lucene.search.MatchAllDocsQuery ? null
                : s.createWeight(s.rewrite(filter), ScoreMode.COMPLETE_NO_SCORES, 1f);
        int[] sorted = docs.stream().mapToInt(Integer::intValue).sorted().toArray();
        // segments are counted in parallel on the searcher's threads (a bulk-loaded index has several large ones)
        List<java.util.concurrent.Callable<Counts>> tasks = new java.util.ArrayList<>();
        for (LeafReaderContext leaf : leaves) tasks.add(() -> count(leaf, clauses, filterWeight, sorted));
        long total = 0;
        SortedMap<Integer, Long> layers = new TreeMap<>();
        for (Counts c : s.getTaskExecutor().invokeAll(tasks)) {
            total += c.total();
            c.layers().forEach((layer, n) -> layers.merge(layer, n, Long::sum));
        }
        return new Counts(total, layers);
    }

    /** The clauses whose matches make up {@code q}'s: a pure disjunction's leaves (boosts removed), else q itself. */
    static void disjuncts(Query q, List<Query> out) {
        if (q instanceof org.apache.lucene.search.BoostQuery b) {
            disjuncts(b.getQuery(), out);
        } else if (q instanceof org.apache.lucene.search.BooleanQuery bq && bq.getMinimumNumberShouldMatch() == 0
                && !bq.clauses().isEmpty()
                && bq.clauses().stream().allMatch(c -> c.occur() == org.apache.lucene.search.BooleanClause.Occur.SHOULD)) {
            for (var c : bq.clauses()) disjuncts(c.query(), out);
        } else {
            out.add(q);
        }
    }

    /** One segment's counts: its text matches within the filter, and those of {@code sorted} (global ids, ascending) in it. */
    private static Counts count(LeafReaderContext leaf, List<Weight> clauses, Weight filter, int[] sorted) throws IOException {
        int maxDoc = leaf.reader().maxDoc();
        SortedMap<Integer, Long> layers = new TreeMap<>();
        FixedBitSet bits = new FixedBitSet(maxDoc);
        // the filter first: only the stretch of ids between its first and last document is read from each clause's
        // postings (in an index sorted by layer, a layer filter's stretch is the layer's documents alone)
        FixedBitSet allowed = null;
        int lo = 0, hi = maxDoc - 1;
        if (!clauses.isEmpty() && filter != null) {
            Scorer scorer = filter.scorer(leaf);
            if (scorer == null) {
                clauses = List.of();
            } else {
                allowed = new FixedBitSet(maxDoc);
                DocIdSetIterator it = scorer.iterator();
                it.nextDoc();
                it.intoBitSet(DocIdSetIterator.NO_MORE_DOCS, allowed, 0);
                lo = allowed.nextSetBit(0);
                hi = lo == DocIdSetIterator.NO_MORE_DOCS ? -1 : allowed.prevSetBit(maxDoc - 1);
                if (hi < 0) clauses = List.of();
            }
        }
        for (Weight clause : clauses) {
            Scorer scorer = clause.scorer(leaf);
            if (scorer == null) continue;
            DocIdSetIterator it = scorer.iterator();
            if (it.advance(lo) > hi) continue;
            it.intoBitSet(hi + 1, bits, 0); // sets the clause's matches in [lo, hi], keeps the others'
        }
        if (allowed != null) bits.and(allowed);
        Bits live = leaf.reader().getLiveDocs(); // a scorer's iterator still walks deleted documents
        if (live != null && !clauses.isEmpty()) {
            for (int d = bits.nextSetBit(0); d != DocIdSetIterator.NO_MORE_DOCS; d = d + 1 < maxDoc ? bits.nextSetBit(d + 1) : DocIdSetIterator.NO_MORE_DOCS) {
                if (!live.get(d)) bits.clear(d);
            }
        }
        int from = java.util.Arrays.binarySearch(sorted, leaf.docBase);
        for (int i = from < 0 ? -from - 1 : from; i < sorted.length && sorted[i] < leaf.docBase + maxDoc; i++) bits.set(sorted[i] - leaf.docBase);
        int n = bits.cardinality();
        if (n == 0) return new Counts(0, layers);
        Map<Integer, FixedBitSet> byLayer = layerSets(leaf);
        if (byLayer != null) {
            for (Map.Entry<Integer, FixedBitSet> e : byLayer.entrySet()) {
                long c = FixedBitSet.intersectionCount(bits, e.getValue());
                if (c > 0) layers.merge(e.getKey(), c, Long::sum);
            }
        } else {
            SortedNumericDocValues values = leaf.reader().getSortedNumericDocValues(IndexSchema.F_LAYER);
            if (values != null) {
                for (int d = bits.nextSetBit(0); d != DocIdSetIterator.NO_MORE_DOCS; d = d + 1 < maxDoc ? bits.nextSetBit(d + 1) : DocIdSetIterator.NO_MORE_DOCS) {
                    if (values.advanceExact(d)) layers.merge((int) values.nextValue(), 1L, Long::sum);
                }
            }
        }
        return new Counts(n, layers);
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
