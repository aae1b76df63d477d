package lantern.index;

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

import java.util.Locale;
import java.util.concurrent.ExecutorService;

/**
 * How the index stores the MiniLM vectors its HNSW graph searches: 32-bit floats ({@link #FLOAT}, the default), or
 * Lucene's scalar-quantized HNSW format (optimized scalar quantization) with 8 bits ({@link #INT8}) or 4 bits
 * ({@link #INT4}) a dimension. The quantized formats keep the float vectors on disk beside the quantized ones: the graph
 * is built and searched on the quantized vectors (a quarter or an eighth of the bytes to keep in the page cache), and
 * the search rescores its candidates with the floats ({@link FeatureSearcher}), so the scores it reports are exact.
 *
 * <p>The format is a writer's choice: segments record their format, and any reader opens them whatever it is set to.
 */
public enum VectorFormat {
    FLOAT, INT8, INT4;

    /** Parses {@code float}, {@code int8} or {@code int4} (any case). */
    public static VectorFormat parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new lantern.errors.InvalidInputException("vector format must be float, int8 or int4, not '" + s + "'");
        }
    }

    /**
     * @param m            the HNSW graph's neighbours per node; {@code beam} its construction beam width
     * @param mergeWorkers threads that build a merged segment's HNSW graph together (1: the merging thread alone)
     * @param mergeExec    where they run (null when {@code mergeWorkers} is 1)
     */
    KnnVectorsFormat knnFormat(int m, int beam, int mergeWorkers, ExecutorService mergeExec) {
        return switch (this) {
            case FLOAT -> new Lucene99HnswVectorsFormat(m, beam, mergeWorkers, mergeExec);
            case INT8 -> new Lucene104HnswScalarQuantizedVectorsFormat(ScalarEncoding.UNSIGNED_BYTE, m, beam, mergeWorkers, mergeExec);
            case INT4 -> new Lucene104HnswScalarQuantizedVectorsFormat(ScalarEncoding.PACKED_NIBBLE, m, beam, mergeWorkers, mergeExec);
        };
    }

    /** Refuses an HNSW graph setting outside the bounds a writer accepts: {@code m} in [2, 512], {@code beam} in [1, 3200]. */
    public static void checkGraph(int m, int beam) {
        if (m < 2 || m > 512 || beam < 1 || beam > 3200) {
            throw new lantern.errors.InvalidInputException("HNSW m must lie in [2, 512] and the beam width in [1, 3200]: " + m + ", " + beam);
        }
    }

    /**
     * The codec a writer uses: Lucene's current one with this format for the MiniLM vectors, their graph built with
     * {@code m} and {@code beam}, merged graphs by {@code mergeWorkers} threads of {@code mergeExec} (the Chinese
     * encoder's vectors, a small side field, stay float with the default graph).
     */
    Codec codec(int m, int beam, int mergeWorkers, ExecutorService mergeExec) {
        checkGraph(m, beam);
        KnnVectorsFormat format = knnFormat(m, beam, mergeWorkers, mergeExec),
                floats = FLOAT.knnFormat(IndexSchema.HNSW_M, IndexSchema.HNSW_BEAM_WIDTH, mergeWorkers, mergeExec);
        return new Lucene104Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return IndexSchema.F_VECTOR.equals(field) ? format : floats;
            }
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
