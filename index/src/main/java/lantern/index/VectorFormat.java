package lantern.index;

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

import java.util.Locale;

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

    KnnVectorsFormat knnFormat() {
        return switch (this) {
            case FLOAT -> new Lucene99HnswVectorsFormat(IndexSchema.HNSW_M, IndexSchema.HNSW_BEAM_WIDTH);
            case INT8 -> new Lucene104HnswScalarQuantizedVectorsFormat(ScalarEncoding.UNSIGNED_BYTE, IndexSchema.HNSW_M, IndexSchema.HNSW_BEAM_WIDTH);
            case INT4 -> new Lucene104HnswScalarQuantizedVectorsFormat(ScalarEncoding.PACKED_NIBBLE, IndexSchema.HNSW_M, IndexSchema.HNSW_BEAM_WIDTH);
        };
    }

    /**
     * The codec a writer uses: Lucene's current one with this format for the MiniLM vectors (the Chinese encoder's
     * vectors, a small side field, stay float).
     */
    Codec codec() {
        KnnVectorsFormat format = knnFormat(), floats = FLOAT.knnFormat();
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
