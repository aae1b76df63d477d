package lantern.index;

import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.knn.KnnCollectorManager;
import org.apache.lucene.search.knn.KnnSearchStrategy;
import org.apache.lucene.store.MMapDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** lantern.index.knn-optimistic: Lucene's optimistic kNN over several segments, or every segment walked for all of k. */
class OptimisticKnnTest {
    @TempDir
    Path dir;

    @Test
    void notOptimisticWalksEverySegmentForAllCandidatesAndTheServiceSearchesSo() throws Exception {
        float[][] v = VectorFormatTest.vectors(1200, 4);
        try (FeatureIndex index = FeatureIndex.open(dir, VectorFormat.FLOAT)) {
            for (int round = 0; round < 6; round++) { // six segments of 200
                List<IndexedExplanation> batch = new ArrayList<>();
                for (int i = round * 200; i < (round + 1) * 200; i++) {
                    batch.add(IndexedExplanation.of("m/" + round + "/mlp/" + i, "label " + i, "statistical", 0.5, null, null,
                            List.of(), v[i], 1L));
                }
                index.addAll(batch);
            }
            assertThat(index.storage().segments()).isEqualTo(6);
            assertThat(index.optimisticKnn()).as("Lucene's default stays the default").isTrue();
            index.withOptimisticKnn(false);
            assertThat(index.optimisticKnn()).isFalse();
            // the service's search with the setting off finds the exact neighbours across the six segments
            float[] q = v[17];
            List<Integer> exact = IntStream.range(0, v.length).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -VectorFormatTest.dot(q, v[i]))).limit(10).toList();
            SearchResult res = index.search(new SearchQuery("zzzz", null, null, null, null, null, 0, 10), q, FeatureIndex.Side.VECTOR);
            assertThat(res.hits()).extracting(SearchHit::index).containsExactlyElementsOf(exact);
        }
        try (var directory = new MMapDirectory(dir); DirectoryReader reader = DirectoryReader.open(directory)) {
            IndexSearcher s = new IndexSearcher(reader);
            LeafReaderContext leaf = reader.leaves().get(0);
            Query full = FeatureSearcher.vectorQuery(s, v[0], 100, null, 3, false);
            Query lucene = FeatureSearcher.vectorQuery(s, v[0], 100, null, 3, true);
            assertThat(full).isInstanceOf(FeatureSearcher.FullKnnQuery.class);
            assertThat(lucene).isNotInstanceOf(FeatureSearcher.FullKnnQuery.class).isInstanceOf(KnnFloatVectorQuery.class);
            KnnCollectorManager m = ((FeatureSearcher.FullKnnQuery) full).getKnnCollectorManager(100, s);
            assertThat(m.isOptimistic()).isFalse();
            KnnCollector c = m.newCollector(Integer.MAX_VALUE, KnnSearchStrategy.Hnsw.DEFAULT, leaf);
            assertThat(c.k()).as("a sixth of the documents, walked for all 100 candidates").isEqualTo(100);
        }
    }
}
