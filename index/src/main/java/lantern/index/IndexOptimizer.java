package lantern.index;

import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexNotFoundException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.MMapDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Force-merges an index to a few segments, as one does after a bulk load: a search walks one HNSW graph per segment,
 * and a 10-million-document bulk load leaves ~30 of them. The merged segments' graphs are built by every core
 * together (Lucene's intra-merge workers). Safe to interrupt: until the merge's single commit, the index is the old
 * commit, and a crash leaves only unreferenced files that the next writer deletes. Needs the writer's lock (stop the
 * service first) and free disk about the size of the index while it runs.
 */
public final class IndexOptimizer {
    private IndexOptimizer() {
    }

    /** What the merge did. */
    public record Result(int segmentsBefore, int segmentsAfter, int documents, double seconds) {
    }

    /**
     * @param format      the vector format the merged segments are written in (the index's own)
     * @param maxSegments at most this many segments after the merge
     * @param threads     merge threads and HNSW merge workers (cores: 0)
     * @param progress    a line every {@code progressSeconds} while merging
     */
    public static Result forceMerge(Path dir, VectorFormat format, int maxSegments, int threads, Consumer<String> progress,
                                    int progressSeconds) {
        return forceMerge(dir, format, IndexSchema.HNSW_M, IndexSchema.HNSW_BEAM_WIDTH, maxSegments, threads, progress, progressSeconds);
    }

    /** As above, the merged vector graphs built with {@code hnswM} neighbours per node and beam width {@code hnswBeam}. */
    public static Result forceMerge(Path dir, VectorFormat format, int hnswM, int hnswBeam, int maxSegments, int threads,
                                    Consumer<String> progress, int progressSeconds) {
        if (maxSegments < 1) throw new lantern.errors.InvalidInputException("segments must be at least 1, not " + maxSegments);
        if (!Files.isDirectory(dir)) throw new lantern.errors.InvalidInputException("no index at " + dir);
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        ExecutorService workers = n > 1 ? Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "hnsw-merge-worker");
            t.setDaemon(true);
            return t;
        }) : null;
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "merge-progress");
            t.setDaemon(true);
            return t;
        });
        long t0 = System.nanoTime();
        try (Directory directory = new MMapDirectory(dir)) {
            int before;
            try (DirectoryReader r = DirectoryReader.open(directory)) {
                before = r.leaves().size();
            } catch (IndexNotFoundException e) {
                throw new lantern.errors.InvalidInputException("no index at " + dir);
            }
            ConcurrentMergeScheduler scheduler = new ConcurrentMergeScheduler();
            scheduler.setMaxMergesAndThreads(Math.max(n, 2) + 4, n);
            IndexWriterConfig config = new IndexWriterConfig(IndexSchema.analyzer())
                    .setCodec(format.codec(hnswM, hnswBeam, n, workers))
                    .setOpenMode(IndexWriterConfig.OpenMode.APPEND)
                    .setMergeScheduler(scheduler)
                    .setCommitOnClose(false);
            IndexWriter opened;
            try {
                opened = new IndexWriter(directory, config);
            } catch (org.apache.lucene.store.LockObtainFailedException e) {
                throw new lantern.errors.ConflictException("the index at " + dir + " is open for writing by another process; "
                        + "stop the service first");
            }
            try (IndexWriter writer = opened) {
                ticker.scheduleAtFixedRate(() -> progress.accept(String.format(java.util.Locale.ROOT,
                                "  merging: %d segments in running merges, %.0f s", writer.getMergingSegments().size(),
                                (System.nanoTime() - t0) / 1e9)),
                        progressSeconds, progressSeconds, TimeUnit.SECONDS);
                writer.forceMerge(maxSegments, true);
                writer.commit();
            }
            try (DirectoryReader r = DirectoryReader.open(directory)) {
                return new Result(before, r.leaves().size(), r.numDocs(), (System.nanoTime() - t0) / 1e9);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot merge the index at " + dir, e);
        } finally {
            ticker.shutdownNow();
            if (workers != null) workers.shutdownNow();
        }
    }
}
