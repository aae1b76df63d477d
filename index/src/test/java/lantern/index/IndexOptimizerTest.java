package lantern.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Force-merging a bulk-loaded index: fewer segments, the same documents, the same answers, the format kept. */
class IndexOptimizerTest {
    @TempDir
    Path dir;

    @Test
    void mergesSegmentsIntoOneAndEverySearchAnswersAsBefore() throws Exception {
        float[][] v = VectorFormatTest.vectors(1200, 21);
        Random r = new Random(3);
        // 24 words, ~50 documents each: a query's matches all fit the fused window, so no tie among equal BM25
        // scores is broken by document order (which a merge may change)
        String[] words = twentyFourWords();
        try (FeatureIndex index = FeatureIndex.open(dir, VectorFormat.INT8)) {
            for (int round = 0; round < 4; round++) { // one segment a batch
                List<IndexedExplanation> batch = new ArrayList<>();
                for (int i = round * 300; i < (round + 1) * 300; i++) {
                    batch.add(IndexedExplanation.of("m/" + (i % 6) + "/mlp/" + i, words[r.nextInt(words.length)] + " " + i,
                            "statistical", r.nextDouble(), null, null, List.of(), v[i], 1L));
                }
                index.addAll(batch);
            }
            assertThat(index.storage().segments()).isEqualTo(4);
        }
        List<SearchResult> before = searches(v);

        List<String> lines = new ArrayList<>();
        IndexOptimizer.Result m = IndexOptimizer.forceMerge(dir, VectorFormat.INT8, 1, 2, lines::add, 1);
        assertThat(m.segmentsBefore()).isEqualTo(4);
        assertThat(m.segmentsAfter()).isEqualTo(1);
        assertThat(m.documents()).isEqualTo(1200);

        assertThat(segmentOrder(dir)).as("a new index is sorted by layer, and merging keeps it so")
                .containsExactly(IndexSchema.LAYER_SORT + " ascending");
        try (FeatureIndex index = FeatureIndex.openReadOnly(dir)) {
            assertThat(index.storage().segments()).isEqualTo(1);
            assertThat(index.storage().quantized()).isTrue();
            assertThat(index.size()).isEqualTo(1200);
        }
        List<SearchResult> after = searches(v);
        FeatureIndex.Side[] sides = FeatureIndex.Side.values();
        assertThat(before.stream().filter(res -> res.hits().size() > 10).count()).isGreaterThan(before.size() / 2);
        for (int i = 0; i < before.size(); i++) {
            SearchResult b = before.get(i), a = after.get(i);
            FeatureIndex.Side side = sides[i % sides.length];
            assertThat(a.total()).as("search %d", i).isEqualTo(b.total());
            assertThat(a.layerFacets()).as("search %d", i).isEqualTo(b.layerFacets());
            assertThat(a.hits()).as("search %d", i).hasSameSizeAs(b.hits());
            List<String> ids = b.hits().stream().map(SearchHit::featureId).toList();
            switch (side) {
                // distinct cosines: the same neighbours in the same order
                case VECTOR -> assertThat(a.hits()).extracting(SearchHit::featureId).containsExactlyElementsOf(ids);
                // every match fits the window; equal BM25 scores may be ordered by the new document order
                case TEXT -> assertThat(a.hits()).extracting(SearchHit::featureId).containsExactlyInAnyOrderElementsOf(ids);
                default -> { } // fused: rank fusion breaks those ties too, so only the counts above are compared
            }
        }
    }

    /** 24 words, ~50 documents each: a query's matches all fit the fused window. */
    private static String[] twentyFourWords() {
        String[] words = new String[24];
        for (int w = 0; w < words.length; w++) words[w] = "word" + (char) ('a' + w) + " labels";
        return words;
    }

    /**
     * The same totals and facets; the same vector hits in the same order, the same text hits in any order (equal BM25
     * scores may follow the new document order), as many fused hits.
     */
    private static void answersAsBefore(List<SearchResult> before, List<SearchResult> after) {
        FeatureIndex.Side[] sides = FeatureIndex.Side.values();
        for (int i = 0; i < before.size(); i++) {
            SearchResult b = before.get(i), a = after.get(i);
            assertThat(a.total()).as("search %d", i).isEqualTo(b.total());
            assertThat(a.layerFacets()).as("search %d", i).isEqualTo(b.layerFacets());
            List<String> ids = b.hits().stream().map(SearchHit::featureId).toList();
            switch (sides[i % sides.length]) {
                case VECTOR -> assertThat(a.hits()).extracting(SearchHit::featureId).containsExactlyElementsOf(ids);
                case TEXT -> assertThat(a.hits()).extracting(SearchHit::featureId).containsExactlyInAnyOrderElementsOf(ids);
                default -> assertThat(a.hits()).hasSameSizeAs(b.hits());
            }
        }
    }

    /** Text, vector and fused searches, with and without a layer filter. */
    private List<SearchResult> searches(float[][] v) {
        List<SearchResult> out = new ArrayList<>();
        try (FeatureIndex index = FeatureIndex.openReadOnly(dir)) {
            for (String text : new String[]{"worda", "wordk", "wordx"}) {
                for (Integer layer : new Integer[]{null, 2}) {
                    for (FeatureIndex.Side side : FeatureIndex.Side.values()) {
                        out.add(index.search(new SearchQuery(text, null, layer, null, null, null, 0, 100), v[7], side));
                    }
                }
            }
        }
        return out;
    }

    @Test
    void badInputIsRefusedAndALockedIndexIsLeftAlone() {
        assertThatThrownBy(() -> IndexOptimizer.forceMerge(dir.resolve("none"), VectorFormat.FLOAT, 1, 1, s -> { }, 1))
                .isInstanceOf(lantern.errors.InvalidInputException.class).hasMessageContaining("no index");
        assertThatThrownBy(() -> IndexOptimizer.forceMerge(dir, VectorFormat.FLOAT, 0, 1, s -> { }, 1))
                .isInstanceOf(lantern.errors.InvalidInputException.class).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> IndexOptimizer.forceMerge(dir, VectorFormat.FLOAT, 1, 1, s -> { }, 1))
                .isInstanceOf(lantern.errors.InvalidInputException.class).hasMessageContaining("no index");
        try (FeatureIndex index = FeatureIndex.open(dir)) {
            index.addAll(List.of(IndexedExplanation.of("m/0/mlp/1", "nouns", "statistical", 0.5, null, null, List.of(),
                    VectorFormatTest.vectors(1, 1)[0], 1L)));
            // the service holds the writer: the merge says so and changes nothing
            assertThatThrownBy(() -> IndexOptimizer.forceMerge(dir, VectorFormat.FLOAT, 1, 1, s -> { }, 1))
                    .isInstanceOf(lantern.errors.ConflictException.class).hasMessageContaining("stop the service");
            assertThat(index.size()).isEqualTo(1);
        }
    }

    /** An index as Lantern wrote them before indexes were sorted: {@code rounds} segments, documents in arrival order. */
    private static void writeUnsorted(Path dir, float[][] v, String[] words, int rounds) throws java.io.IOException {
        Random r = new Random(3);
        int per = v.length / rounds;
        try (var directory = new org.apache.lucene.store.MMapDirectory(dir);
             var w = new org.apache.lucene.index.IndexWriter(directory, new org.apache.lucene.index.IndexWriterConfig(IndexSchema.analyzer())
                     .setCodec(VectorFormat.INT8.codec(16, 64, 1, null)))) {
            for (int round = 0; round < rounds; round++) {
                for (int i = round * per; i < (round + 1) * per; i++) {
                    w.addDocument(IndexSchema.toDocument(IndexedExplanation.of("m/" + r.nextInt(6) + "/mlp/" + i,
                            words[r.nextInt(words.length)] + " " + i, "statistical", r.nextDouble(), null, null, List.of(), v[i], 1L)));
                }
                w.commit();
            }
        }
    }

    /** Per segment: its index sort, and whether its layers never go down along the document ids. */
    private static List<String> segmentOrder(Path dir) throws java.io.IOException {
        List<String> out = new ArrayList<>();
        try (var directory = new org.apache.lucene.store.MMapDirectory(dir);
             var reader = org.apache.lucene.index.DirectoryReader.open(directory)) {
            for (var leaf : reader.leaves()) {
                var layers = leaf.reader().getSortedNumericDocValues(IndexSchema.F_LAYER);
                long last = Long.MIN_VALUE;
                boolean ascending = true;
                for (int d = layers.nextDoc(); d != org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS; d = layers.nextDoc()) {
                    long layer = layers.nextValue();
                    ascending &= layer >= last;
                    last = layer;
                }
                out.add(leaf.reader().getMetaData().sort() + (ascending ? " ascending" : " mixed"));
            }
        }
        return out;
    }

    @Test
    void sortsAnOldIndexByLayerInPlaceAndEverySearchAnswersAsBefore() throws Exception {
        float[][] v = VectorFormatTest.vectors(1200, 21);
        writeUnsorted(dir, v, twentyFourWords(), 4);
        assertThat(segmentOrder(dir)).hasSize(4).allMatch(seg -> seg.equals("null mixed"));
        List<SearchResult> before = searches(v);

        IndexOptimizer.Result m = IndexOptimizer.sortInPlace(dir, VectorFormat.INT8, 16, 64, 2, 2, s -> { }, 1);
        assertThat(m.segmentsBefore()).isEqualTo(4);
        assertThat(m.segmentsAfter()).isEqualTo(2);
        assertThat(m.documents()).isEqualTo(1200);
        String sorted = IndexSchema.LAYER_SORT + " ascending";
        assertThat(segmentOrder(dir)).containsExactly(sorted, sorted);
        assertThat(dir.resolveSibling(dir.getFileName() + ".sorting")).doesNotExist();
        assertThat(dir.resolveSibling(dir.getFileName() + ".unsorted")).doesNotExist();

        answersAsBefore(before, searches(v));
        // the service's writer keeps the order: what it adds later is sorted too
        try (FeatureIndex index = FeatureIndex.open(dir, VectorFormat.INT8)) {
            index.addAll(List.of(IndexedExplanation.of("m/0/mlp/5000", "late nouns", "statistical", 0.5, null, null, List.of(), v[0], 1L),
                    IndexedExplanation.of("m/5/mlp/5001", "late verbs", "statistical", 0.5, null, null, List.of(), v[1], 1L)));
            assertThat(index.size()).isEqualTo(1202);
        }
        assertThat(segmentOrder(dir)).hasSize(3).allMatch(sorted::equals);
    }

    @Test
    void aSegmentPerLayerHoldsThatLayerAloneDropsNothingAndEverySearchAnswersAsBefore() throws Exception {
        float[][] v = VectorFormatTest.vectors(1200, 21);
        writeUnsorted(dir, v, twentyFourWords(), 4);
        try (FeatureIndex index = FeatureIndex.open(dir, VectorFormat.INT8)) { // deleted documents stay deleted
            for (int i = 0; i < 1200; i += 100) index.deleteFeature(index.search(new SearchQuery("" + i, null, null, null, null,
                    null, 0, 1), v[i], FeatureIndex.Side.TEXT).hits().get(0).featureId());
            index.commit();
            assertThat(index.size()).isEqualTo(1188);
        }
        List<SearchResult> before = searches(v);

        IndexOptimizer.Result m = IndexOptimizer.sortInPlace(dir, VectorFormat.INT8, 16, 64, IndexOptimizer.SEGMENT_PER_LAYER, 2,
                s -> { }, 1);
        assertThat(m.segmentsBefore()).isEqualTo(4);
        assertThat(m.segmentsAfter()).isEqualTo(6);
        assertThat(m.documents()).isEqualTo(1188);
        List<Integer> layersPerSegment = new ArrayList<>();
        try (var directory = new org.apache.lucene.store.MMapDirectory(dir);
             var reader = org.apache.lucene.index.DirectoryReader.open(directory)) {
            for (var leaf : reader.leaves()) {
                assertThat(leaf.reader().numDeletedDocs()).isZero();
                var layers = leaf.reader().getSortedNumericDocValues(IndexSchema.F_LAYER);
                java.util.Set<Long> seen = new java.util.TreeSet<>();
                while (layers.nextDoc() != org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS) seen.add(layers.nextValue());
                layersPerSegment.add(seen.size());
            }
        }
        assertThat(layersPerSegment).containsExactly(1, 1, 1, 1, 1, 1);

        answersAsBefore(before, searches(v));
    }

    @Test
    void newIndexesAreSortedAndOldOnesStayWritableInTheirOrder() throws Exception {
        float[][] v = VectorFormatTest.vectors(60, 5);
        try (FeatureIndex index = FeatureIndex.open(dir.resolve("new"), VectorFormat.INT8)) {
            for (int i = 0; i < 60; i++) {
                index.addAll(List.of(IndexedExplanation.of("m/" + (5 - i % 6) + "/mlp/" + i, "nouns " + i, "statistical", 0.5, null, null,
                        List.of(), v[i], 1L)));
            }
        }
        assertThat(segmentOrder(dir.resolve("new"))).allMatch((IndexSchema.LAYER_SORT + " ascending")::equals);
        writeUnsorted(dir.resolve("old"), v, new String[]{"verbs"}, 1);
        try (FeatureIndex index = FeatureIndex.open(dir.resolve("old"), VectorFormat.INT8)) {
            index.addAll(List.of(IndexedExplanation.of("m/2/mlp/99", "late", "statistical", 0.5, null, null, List.of(), v[0], 1L)));
            assertThat(index.size()).isEqualTo(61);
        }
        assertThat(segmentOrder(dir.resolve("old"))).hasSize(2).allMatch(seg -> seg.startsWith("null"));
    }

    @Test
    void aCrashBetweenTheRenamesLeavesTheOldIndexAndALockedOneIsLeftAlone() throws Exception {
        float[][] v = VectorFormatTest.vectors(60, 5);
        Path index = dir.resolve("index");
        writeUnsorted(index, v, new String[]{"verbs"}, 2);
        // killed after the old index was moved aside, before the sorted copy took its place
        java.nio.file.Files.move(index, dir.resolve("index.unsorted"));
        java.nio.file.Files.createDirectories(dir.resolve("index.sorting"));
        java.nio.file.Files.writeString(dir.resolve("index.sorting/_0.cfs"), "half written");
        try (FeatureIndex reading = FeatureIndex.openReadOnly(index)) { // a search in that moment reads the old index
            assertThat(reading.size()).isEqualTo(60);
        }
        assertThat(dir.resolve("index.unsorted")).isDirectory();
        try (FeatureIndex opened = FeatureIndex.open(index, VectorFormat.INT8)) {
            assertThat(opened.size()).isEqualTo(60);
        }
        assertThat(dir.resolve("index.unsorted")).doesNotExist();
        // the next sort starts over from the old index
        assertThat(IndexOptimizer.sortInPlace(index, VectorFormat.INT8, 16, 64, 1, 1, s -> { }, 1).documents()).isEqualTo(60);
        assertThat(segmentOrder(index)).containsExactly(IndexSchema.LAYER_SORT + " ascending");
        try (FeatureIndex held = FeatureIndex.open(index, VectorFormat.INT8)) {
            assertThatThrownBy(() -> IndexOptimizer.sortInPlace(index, VectorFormat.INT8, 16, 64, 1, 1, s -> { }, 1))
                    .isInstanceOf(lantern.errors.ConflictException.class).hasMessageContaining("stop the service");
            assertThat(held.size()).isEqualTo(60);
        }
        assertThatThrownBy(() -> IndexOptimizer.sortInPlace(dir.resolve("none"), VectorFormat.INT8, 16, 64, 1, 1, s -> { }, 1))
                .isInstanceOf(lantern.errors.InvalidInputException.class).hasMessageContaining("no index");
    }
}
