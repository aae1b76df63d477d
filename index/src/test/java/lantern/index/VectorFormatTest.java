package lantern.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The vector format setting: float (default) and Lucene's int8 / int4 scalar-quantized HNSW, memory-mapped storage. */
class VectorFormatTest {
    static final int DOCS = 1500;

    @TempDir
    Path dir;

    /** Clustered unit vectors (20 centres, noise), as labels' embeddings are: many near neighbours. */
    static float[][] vectors(int n, long seed) {
        Random r = new Random(seed);
        float[][] centres = new float[20][FeatureIndex.DIMENSION];
        for (float[] c : centres) for (int d = 0; d < c.length; d++) c[d] = (float) r.nextGaussian();
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            float[] v = centres[i % centres.length].clone();
            for (int d = 0; d < v.length; d++) v[d] += (float) (r.nextGaussian() * 0.6);
            out[i] = unit(v);
        }
        return out;
    }

    static float[] unit(float[] v) {
        double n = 0;
        for (float x : v) n += x * x;
        float[] out = new float[v.length];
        for (int d = 0; d < v.length; d++) out[d] = (float) (v[d] / Math.sqrt(n));
        return out;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int d = 0; d < a.length; d++) s += (double) a[d] * b[d];
        return s;
    }

    private static void fill(FeatureIndex index, float[][] v) {
        List<IndexedExplanation> batch = new ArrayList<>();
        for (int i = 0; i < v.length; i++) {
            batch.add(IndexedExplanation.of("m/" + (i % 6) + "/mlp/" + i, "label number " + i, "statistical",
                    0.5, null, null, List.of(), v[i], 1L));
        }
        index.addAll(batch);
    }

    @ParameterizedTest
    @EnumSource(VectorFormat.class)
    void eachFormatIsMemoryMappedAndFindsExactNeighboursWithExactScores(VectorFormat format) {
        float[][] v = vectors(DOCS, 7);
        try (FeatureIndex index = FeatureIndex.open(dir, format)) {
            fill(index, v);
        }
        try (FeatureIndex index = FeatureIndex.openReadOnly(dir)) {
            IndexStorage st = index.storage();
            assertThat(st.directory()).isEqualTo("MMapDirectory");
            assertThat(st.quantized()).isEqualTo(format != VectorFormat.FLOAT);
            // the float vectors are kept (and read through the map) in every format; quantized ones beside them
            assertThat(st.offHeapVectorBytes().get("vec")).isEqualTo((long) DOCS * FeatureIndex.DIMENSION * Float.BYTES);
            if (format == VectorFormat.FLOAT) {
                assertThat(st.offHeapVectorBytes()).doesNotContainKey("veq");
            } else {
                long perVector = format == VectorFormat.INT8 ? FeatureIndex.DIMENSION : FeatureIndex.DIMENSION / 2;
                assertThat(st.offHeapVectorBytes().get("veq")).isGreaterThanOrEqualTo(DOCS * perVector)
                        .isLessThan(DOCS * (perVector + 32));
            }
            assertThat(st.bytesOnDisk()).isGreaterThan(st.offHeapVectorBytes().get("vec"));

            // a query: the index's vector hits carry the exact cosine of the float vectors (plain-Java reference)
            float[] query = unit(v[17].clone());
            query[0] += 0.3f;
            query = unit(query);
            SearchResult r = index.search(new SearchQuery("zzzz", null, null, null, null, null, 0, 10), query, FeatureIndex.Side.VECTOR);
            assertThat(r.hits()).isNotEmpty();
            float[] q = query;
            List<Integer> exact = IntStream.range(0, DOCS).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -dot(q, v[i]))).limit(10).toList();
            for (SearchHit h : r.hits()) {
                int i = h.index();
                assertThat(exact).contains(i);
            }
            assertThat(r.hits().getFirst().index()).isEqualTo(exact.getFirst());
        }
    }

    @Test
    void recallAgainstExactSearchIsMeasuredOnTheFloatVectors() {
        float[][] v = vectors(DOCS, 11);
        try (FeatureIndex index = FeatureIndex.open(dir, VectorFormat.INT4)) {
            fill(index, v);
            float[][] queries = new float[12][]; // queries near labels, as a query finds its label's neighbours
            Random rq = new Random(99);
            for (int i = 0; i < queries.length; i++) {
                float[] q = v[rq.nextInt(DOCS)].clone();
                for (int d = 0; d < q.length; d++) q[d] += (float) (rq.nextGaussian() * 0.02);
                queries[i] = unit(q);
            }
            VectorRecall.Result r = VectorRecall.measure(index, queries, 10, 100);
            assertThat(r.vectors()).isEqualTo(DOCS);
            assertThat(r.queries()).isEqualTo(12);
            // rescored with the float vectors, the top 10 of 100 candidates are the exact top 10 on this small index
            assertThat(r.service()).isGreaterThanOrEqualTo(0.95);
            assertThat(r.raw()).isBetween(0.0, 1.0);
            // within a layer: its exact top 10 (most of the overall top 10 are other layers') against the filtered search
            VectorRecall.Result w = VectorRecall.measure(index, queries, 10, 100, 3, new double[0], 2);
            assertThat(w.vectors()).isEqualTo(DOCS / 6);
            assertThat(w.service()).isGreaterThanOrEqualTo(0.95);
        }
    }

    @Test
    void oversamplingRescoresMoreGraphCandidatesAndFindsMoreTrueNeighbours() {
        float[][] v = vectors(DOCS, 13);
        try (FeatureIndex index = FeatureIndex.open(dir, VectorFormat.INT4)) {
            fill(index, v);
            float[][] queries = new float[20][];
            Random rq = new Random(7);
            for (int i = 0; i < queries.length; i++) {
                float[] q = v[rq.nextInt(DOCS)].clone();
                for (int d = 0; d < q.length; d++) q[d] += (float) (rq.nextGaussian() * 0.02);
                queries[i] = unit(q);
            }
            // a window of 10: with no oversampling the 4-bit graph's own top 10 is all the rescoring sees
            VectorRecall.Result r = VectorRecall.measure(index, queries, 10, 10, 1, new double[]{1, 10});
            assertThat(r.service()).isEqualTo(r.byOversample().get(1.0));
            assertThat(r.byOversample().get(1.0)).isLessThan(0.9);
            assertThat(r.byOversample().get(10.0)).isGreaterThanOrEqualTo(0.95);
            // a true neighbour always counts within the tolerance; a miss only when its score is clearly lower
            assertThat(r.serviceWithin()).isGreaterThanOrEqualTo(r.service()).isLessThanOrEqualTo(1.0);
            assertThat(r.byOversampleWithin().get(1.0)).isGreaterThanOrEqualTo(r.byOversample().get(1.0)).isLessThan(1.0);
            assertThat(r.byOversampleWithin().get(10.0)).isGreaterThanOrEqualTo(r.byOversample().get(10.0));

            // the service's setting: hits of a window of 10 found with oversampling 10 are the exact top 10
            index.withQuantizedOversample(10);
            float[] q = queries[3];
            List<Integer> exact = IntStream.range(0, DOCS).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -dot(q, v[i]))).limit(10).toList();
            SearchResult res = index.search(new SearchQuery("zzzz", null, null, null, null, null, 0, 10), q, FeatureIndex.Side.VECTOR);
            assertThat(res.hits()).extracting(SearchHit::index).containsExactlyElementsOf(exact);
            for (double bad : new double[]{0.5, 0, -1, Double.NaN, 1000}) {
                assertThatThrownBy(() -> index.withQuantizedOversample(bad)).isInstanceOf(lantern.errors.InvalidInputException.class);
            }
        }
    }

    @Test
    void theGraphsDensityIsAWritersChoiceWithinBounds() {
        float[][] v = vectors(300, 5);
        try (FeatureIndex index = FeatureIndex.open(dir, VectorFormat.INT8, 16, 32, 100)) {
            fill(index, v);
            assertThat(index.search(new SearchQuery("zzzz", null, null, null, null, null, 0, 1), v[42], FeatureIndex.Side.VECTOR)
                    .hits()).extracting(SearchHit::index).containsExactly(42);
        }
        for (int[] bad : new int[][]{{1, 64}, {16, 0}, {1000, 64}, {16, 5000}}) {
            assertThatThrownBy(() -> FeatureIndex.open(dir.resolve("bad"), VectorFormat.FLOAT, 16, bad[0], bad[1]))
                    .isInstanceOf(lantern.errors.InvalidInputException.class).hasMessageContaining("HNSW");
        }
    }

    @Test
    void theDefaultStaysFloatAndAnIndexOpensWhateverItsWriterWasSetTo() {
        float[][] v = vectors(200, 3);
        try (FeatureIndex index = FeatureIndex.open(dir)) {
            fill(index, v);
            assertThat(index.storage().vectorFormats()).allMatch(f -> f.startsWith("Lucene99HnswVectorsFormat"));
        }
        // a writer set to int8 adds a quantized segment to a float index; both are searched
        try (FeatureIndex index = FeatureIndex.open(dir, VectorFormat.INT8)) {
            index.addAll(List.of(IndexedExplanation.of("m/0/mlp/9999", "another label", "statistical", 0.5, null, null,
                    List.of(), v[5], 1L)));
            assertThat(index.storage().vectorFormats()).hasSize(2);
            assertThat(index.storage().quantized()).isTrue();
            assertThat(index.search(new SearchQuery("zzzz", null, null, null, null, null, 0, 2), v[5], FeatureIndex.Side.VECTOR)
                    .hits()).extracting(SearchHit::index).containsExactlyInAnyOrder(5, 9999);
        }
        assertThatThrownBy(() -> VectorFormat.parse("int3")).isInstanceOf(lantern.errors.InvalidInputException.class);
        assertThat(VectorFormat.parse(" INT4 ")).isEqualTo(VectorFormat.INT4);
    }
}
