package lantern.index;

import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.MMapDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Totals and layer facets of broad fused searches, counted on bit sets, against counts kept while building the index. */
class MatchCountsTest {
    @TempDir
    Path dir;

    @Test
    void broadQueriesCountEveryMatchByLayerWithDeletionsAndSegments() throws Exception {
        Random r = new Random(5);
        String[] words = {"nouns", "sports"};
        // what each feature's current label is: later writes replace earlier ones (deleted documents in old segments)
        java.util.Map<String, String> label = new java.util.HashMap<>();
        java.util.Map<String, Integer> layerOf = new java.util.HashMap<>();
        try (FeatureIndex index = FeatureIndex.open(dir)) {
            for (int round = 0; round < 3; round++) {
                List<IndexedExplanation> batch = new ArrayList<>();
                for (int i = 0; i < 2000; i++) {
                    int f = r.nextInt(5000), layer = f % 7;
                    String id = "m/" + layer + "/mlp/" + f, text = words[r.nextInt(words.length)] + " in texts " + f;
                    label.put(id, text);
                    layerOf.put(id, layer);
                    batch.add(IndexedExplanation.of(id, text, "statistical", 0.5, null, null, List.of(),
                            Docs.direction(f % 300, (f + 1) % 300, 0.5f), 1L));
                }
                index.addAll(batch); // one segment a round
            }
            for (String word : words) {
                for (Integer layerFilter : new Integer[]{null, 2}) {
                    long expected = 0;
                    SortedMap<Integer, Long> facets = new TreeMap<>();
                    for (var e : label.entrySet()) {
                        int layer = layerOf.get(e.getKey());
                        if (!e.getValue().startsWith(word) || (layerFilter != null && layer != layerFilter)) continue;
                        expected++;
                        facets.merge(layer, 1L, Long::sum);
                    }
                    assertThat(expected).isGreaterThan(100); // more than the fused window: counted beyond it
                    SearchResult res = index.search(new SearchQuery(word, null, layerFilter, null, null, null, 0, 20), null);
                    assertThat(res.total()).as(word + " layer " + layerFilter).isEqualTo(expected);
                    assertThat(res.layerFacets()).as(word + " layer " + layerFilter).isEqualTo(facets);
                }
            }
        }
    }

    @Test
    void disjunctionsCountedClauseByClauseEqualTheQuerysOwnMatchesUnderRandomFilters() throws Exception {
        Random r = new Random(11);
        String[] words = {"plural", "nouns", "verbs", "sports", "past", "tense", "numbers", "music"};
        try (FeatureIndex index = FeatureIndex.open(dir)) {
            for (int round = 0; round < 4; round++) {
                List<IndexedExplanation> batch = new ArrayList<>();
                for (int i = 0; i < 700; i++) {
                    int f = r.nextInt(30000); // a few features written twice: deleted documents, not enough to merge
                    String text = words[r.nextInt(words.length)] + " " + words[r.nextInt(words.length)] + " " + f;
                    batch.add(IndexedExplanation.of((f % 2 == 0 ? "a" : "b") + "/" + f % 5 + "/mlp/" + f, text, "statistical",
                            r.nextDouble(), null, null, List.of(words[r.nextInt(words.length)]),
                            Docs.direction(f % 300, (f + 1) % 300, 0.5f), 1L));
                }
                index.addAll(batch); // later rounds replace some features: deleted documents in older segments
            }
        }
        try (var reader = DirectoryReader.open(new MMapDirectory(dir))) {
            IndexSearcher s = new IndexSearcher(reader, java.util.concurrent.Executors.newFixedThreadPool(2));
            assertThat(reader.leaves()).hasSizeGreaterThan(1);
            assertThat(reader.hasDeletions()).isTrue();
            FeatureSearcher searcher = new FeatureSearcher(IndexSchema.analyzer(), 0.35, 0.05);
            for (int trial = 0; trial < 40; trial++) {
                String text = words[r.nextInt(words.length)] + " " + words[r.nextInt(words.length)];
                Query textQuery = searcher.textQueryForTest(text);
                SearchQuery q = new SearchQuery(text, r.nextBoolean() ? "a" : null, r.nextBoolean() ? r.nextInt(5) : null,
                        null, null, r.nextBoolean() ? r.nextDouble() : null, null, 0, 10, null);
                Query filter = FeatureSearcher.filter(q);
                Set<Integer> extra = new HashSet<>();
                for (int i = 0; i < 20; i++) extra.add(r.nextInt(reader.maxDoc()));
                extra.removeIf(d -> { // only live documents, as kNN hits are
                    var leaf = reader.leaves().get(org.apache.lucene.index.ReaderUtil.subIndex(d, reader.leaves()));
                    var live = leaf.reader().getLiveDocs();
                    return live != null && !live.get(d - leaf.docBase);
                });
                // the plain way: the query's own iterator over text AND filter, then the extra documents
                Query both = new org.apache.lucene.search.BooleanQuery.Builder()
                        .add(textQuery, org.apache.lucene.search.BooleanClause.Occur.MUST)
                        .add(filter, org.apache.lucene.search.BooleanClause.Occur.FILTER).build();
                Set<Integer> expected = new HashSet<>(extra);
                for (var sd : s.search(both, reader.maxDoc()).scoreDocs) expected.add(sd.doc);
                MatchCounts.Counts c = MatchCounts.count(s, textQuery, filter, extra);
                assertThat(c.total()).as(text + " " + q).isEqualTo(expected.size());
                assertThat(c.layers().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(expected.size());
            }
        }
    }

    @Test
    void extraDocumentsAreCountedOnceAndLayersBeyondTheCacheFallBackToDocValues() throws Exception {
        try (FeatureIndex index = FeatureIndex.open(dir)) {
            List<IndexedExplanation> batch = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                batch.add(IndexedExplanation.of("m/" + i + "/mlp/" + i, (i % 2 == 0 ? "nouns " : "verbs ") + i, "statistical",
                        0.5, null, null, List.of(), VectorFormatTest.vectors(1, i)[0], 1L));
            }
            index.addAll(batch);
        }
        try (var reader = DirectoryReader.open(new MMapDirectory(dir))) {
            IndexSearcher s = new IndexSearcher(reader);
            Query nouns = new TermQuery(new Term(IndexSchema.F_TEXT, "noun"));
            Set<Integer> extra = new HashSet<>(List.of(0, 1, 3, 4)); // two nouns (already matched), two verbs
            MatchCounts.Counts c = MatchCounts.count(s, nouns, extra);
            assertThat(c.total()).isEqualTo(300 + 2);
            // 600 distinct layers: more than the per-layer bit sets cached, so counted from doc values
            assertThat(c.layers()).hasSize(302).containsEntry(0, 1L).containsEntry(3, 1L).doesNotContainKey(5);
            assertThat(c.layers().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(302);
            MatchCounts.Counts onlyExtra = MatchCounts.count(s, null, extra);
            assertThat(onlyExtra.total()).isEqualTo(4);
        }
    }
}
