package lantern.index;

import lantern.errors.UnavailableException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks a feature index before the service uses it: opens it and verifies every file's checksum (Lucene's
 * {@code checkIntegrity}, one sequential read of the index). A damaged index is reported with what to do.
 */
public final class IndexCheck {
    /** The index cannot be used; the message says how to rebuild it. */
    public static final class DamagedIndexException extends UnavailableException {
        public DamagedIndexException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private IndexCheck() {
    }

    /** Number of documents; 0 when there is no index yet. Throws {@link DamagedIndexException} when it is damaged. */
    public static int verify(Path dir) {
        if (!Files.isDirectory(dir)) return 0;
        try (Directory d = FSDirectory.open(dir)) {
            if (!DirectoryReader.indexExists(d)) {
                try (var files = Files.list(dir)) {
                    if (files.anyMatch(f -> f.getFileName().toString().startsWith("_"))) {
                        throw new IOException("segment files but no readable commit point (segments_N)");
                    }
                }
                return 0;
            }
            try (DirectoryReader r = DirectoryReader.open(d)) {
                for (LeafReaderContext leaf : r.leaves()) leaf.reader().checkIntegrity();
                return r.numDocs();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DamagedIndexException de) throw de;
            throw new DamagedIndexException("the feature index at " + dir + " is damaged (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "). Rebuild it from the stored explanation histories, the source of truth: "
                    + "lantern index rebuild", e);
        }
    }
}
