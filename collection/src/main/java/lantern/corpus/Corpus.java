package lantern.corpus;

import java.util.stream.Stream;

/** A named source of documents, streamed so that large corpora never sit in memory at once. */
public interface Corpus {
    /** A short name used in manifests and folder names ("brown"). */
    String name();

    /** The documents in a stable order; close the stream to release files. */
    Stream<Document> documents();
}
