package lantern.index;

import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.store.Directory;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How an open index is stored: the directory implementation (memory-mapped, so the index is not read into the heap),
 * its bytes on disk, its segments, the vector formats its segments were written in, and the bytes of vector data
 * Lucene reads off-heap, by file extension ({@code vec} float vectors, {@code veq} quantized vectors, {@code vex} the
 * HNSW graph), as Lucene's vector readers report them.
 *
 * @param directory         the Lucene directory class (MMapDirectory)
 * @param bytesOnDisk       all files of the index
 * @param segments          segments of the open reader
 * @param vectorFormats     the per-field vector format names of the MiniLM vector field, over all segments
 * @param offHeapVectorBytes vector bytes read through the memory map, by extension
 */
public record IndexStorage(String directory, long bytesOnDisk, int segments, Set<String> vectorFormats,
                           Map<String, Long> offHeapVectorBytes) {

    /** True when some segment stores the MiniLM vectors in a quantized format. */
    public boolean quantized() {
        return vectorFormats.stream().anyMatch(f -> !f.startsWith(FLOAT_FORMAT));
    }

    /** True when some segment of the reader stores the MiniLM vectors quantized. */
    static boolean quantized(IndexReader reader) {
        for (LeafReaderContext leaf : reader.leaves()) {
            FieldInfo fi = leaf.reader().getFieldInfos().fieldInfo(IndexSchema.F_VECTOR);
            String format = fi == null ? null : fi.getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY);
            if (format != null && !format.startsWith(FLOAT_FORMAT)) return true;
        }
        return false;
    }

    private static final String FLOAT_FORMAT = "Lucene99HnswVectorsFormat";

    static IndexStorage of(Directory directory, IndexReader reader) throws IOException {
        long bytes = 0;
        if (directory != null) {
            for (String f : directory.listAll()) {
                try {
                    bytes += directory.fileLength(f);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // a file merged away between listing and sizing
                }
            }
        }
        Set<String> formats = new TreeSet<>();
        Map<String, Long> offHeap = new TreeMap<>();
        for (LeafReaderContext leaf : reader.leaves()) {
            FieldInfo fi = leaf.reader().getFieldInfos().fieldInfo(IndexSchema.F_VECTOR);
            if (fi == null) continue;
            String format = fi.getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY);
            if (format != null) formats.add(format);
            if (leaf.reader() instanceof CodecReader codec) {
                KnnVectorsReader vectors = codec.getVectorReader();
                if (vectors != null) vectors.getOffHeapByteSize(fi).forEach((ext, n) -> offHeap.merge(ext, n, Long::sum));
            }
        }
        return new IndexStorage(directory == null ? "none" : directory.getClass().getSimpleName(), bytes,
                reader.leaves().size(), formats, offHeap);
    }
}
