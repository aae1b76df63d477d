package lantern.index;

import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.FilterCodecReader;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A segment seen one layer at a time: views that show only one layer's live documents (the others read as deleted), so
 * that {@link org.apache.lucene.index.IndexWriter#addIndexes(CodecReader...)} writes each layer into a segment of its own
 * ({@link IndexOptimizer#SEGMENT_PER_LAYER}). A search with a layer filter then walks that layer's vector graph as an
 * unfiltered one and skips every other segment.
 */
final class LayerSlices {
    /** The layer key of documents without a layer (none are written so, but none is lost either). */
    static final int NO_LAYER = Integer.MIN_VALUE;

    private LayerSlices() {
    }

    /** For each layer (ascending), a view of every reader that holds documents of it, showing only those. */
    static SortedMap<Integer, List<CodecReader>> byLayer(CodecReader[] readers) throws IOException {
        SortedMap<Integer, List<CodecReader>> out = new TreeMap<>();
        for (CodecReader r : readers) {
            Map<Integer, FixedBitSet> live = new TreeMap<>();
            SortedNumericDocValues values = r.getSortedNumericDocValues(IndexSchema.F_LAYER);
            Bits alive = r.getLiveDocs();
            for (int doc = 0; doc < r.maxDoc(); doc++) {
                if (alive != null && !alive.get(doc)) continue;
                int layer = values != null && values.advanceExact(doc) ? (int) values.nextValue() : NO_LAYER;
                live.computeIfAbsent(layer, k -> new FixedBitSet(r.maxDoc())).set(doc);
            }
            for (Map.Entry<Integer, FixedBitSet> e : live.entrySet()) {
                out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new Slice(r, e.getValue()));
            }
        }
        return out;
    }

    /** A reader whose live documents are one layer's. */
    private static final class Slice extends FilterCodecReader {
        private final FixedBitSet live;
        private final int numDocs;

        Slice(CodecReader in, FixedBitSet live) {
            super(in);
            this.live = live;
            this.numDocs = live.cardinality();
        }

        @Override
        public Bits getLiveDocs() {
            return live;
        }

        @Override
        public int numDocs() {
            return numDocs;
        }

        @Override
        public CacheHelper getCoreCacheHelper() {
            return null;
        }

        @Override
        public CacheHelper getReaderCacheHelper() {
            return null;
        }
    }
}
