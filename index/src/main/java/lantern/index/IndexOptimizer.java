package lantern.index;

import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.SlowCodecReaderWrapper;
import org.apache.lucene.index.SortingCodecReader;
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

    /**
     * {@link #sortByLayer}'s and {@link #sortInPlace}'s {@code maxSegments} for one segment per layer: a layer filter then
     * searches one whole segment (its vector graph walked unfiltered, every other segment skipped), and each graph is a
     * layer's size, which finds more of the true neighbours than one graph of every layer; a search without a filter walks
     * one graph per layer. A writer's later merges may join small layers again; sorting again splits them.
     */
    public static final int SEGMENT_PER_LAYER = 0;

    /** Refuses a segment count below {@code least} (1, or {@link #SEGMENT_PER_LAYER} where a sort allows it). */
    private static void checkSegments(int maxSegments, int least) {
        if (maxSegments < least) throw new lantern.errors.InvalidInputException("segments must be at least 1, not " + maxSegments);
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
        checkSegments(maxSegments, 1);
        if (!Files.isDirectory(dir)) throw new lantern.errors.InvalidInputException("no index at " + dir);
        long t0 = System.nanoTime();
        try (Pools pools = Pools.start(threads, "merge-progress"); Directory directory = new MMapDirectory(dir)) {
            int before;
            try (DirectoryReader r = DirectoryReader.open(directory)) {
                before = r.leaves().size();
            } catch (IndexNotFoundException e) {
                throw new lantern.errors.InvalidInputException("no index at " + dir);
            }
            IndexWriterConfig config = new IndexWriterConfig(IndexSchema.analyzer())
                    .setCodec(format.codec(hnswM, hnswBeam, pools.threads(), pools.workers()))
                    .setOpenMode(IndexWriterConfig.OpenMode.APPEND)
                    .setMergeScheduler(scheduler(pools.threads()))
                    .setCommitOnClose(false);
            org.apache.lucene.search.Sort order = IndexSchema.sortOf(directory);
            if (order != null) config.setIndexSort(order); // merged segments keep the index's order
            IndexWriter opened;
            try {
                opened = new IndexWriter(directory, config);
            } catch (org.apache.lucene.store.LockObtainFailedException e) {
                throw new lantern.errors.ConflictException("the index at " + dir + " is open for writing by another process; "
                        + "stop the service first");
            }
            try (IndexWriter writer = opened) {
                pools.ticker().scheduleAtFixedRate(() -> progress.accept(String.format(java.util.Locale.ROOT,
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
        }
    }

    /**
     * Sorts the index in {@code dir} by layer ({@link #sortByLayer}): the sorted copy is written beside it
     * ({@code <dir>.sorting}) while the index's write lock is held, then put in its place by two atomic renames (the old
     * index passes through {@code <dir>.unsorted}, deleted at the end). A crash before the second rename leaves the old
     * index to be put back by {@link #recover}, which every open of the index calls; a crash after it leaves the sorted
     * index in place. Needs free disk about the index's size.
     */
    public static Result sortInPlace(Path dir, VectorFormat format, int hnswM, int hnswBeam, int maxSegments, int threads,
                                     Consumer<String> progress, int progressSeconds) {
        checkSegments(maxSegments, SEGMENT_PER_LAYER);
        recover(dir);
        if (!Files.isDirectory(dir)) throw new lantern.errors.InvalidInputException("no index at " + dir);
        Path sorting = sibling(dir, ".sorting"), unsorted = sibling(dir, ".unsorted");
        Result r;
        try (Directory held = new MMapDirectory(dir)) {
            org.apache.lucene.store.Lock lock;
            try {
                lock = held.obtainLock(IndexWriter.WRITE_LOCK_NAME);
            } catch (org.apache.lucene.store.LockObtainFailedException e) {
                throw new lantern.errors.ConflictException("the index at " + dir + " is open for writing by another process; "
                        + "stop the service first");
            }
            try (lock) {
                deleteTree(sorting); // a copy an interrupted run left
                r = sortByLayer(dir, sorting, format, hnswM, hnswBeam, maxSegments, threads, progress, progressSeconds);
                // renamed while the old index's lock is held (it moves with it), so no writer can open the old index
                // between the sort and the renames and write to what is then deleted
                try {
                    Files.move(dir, unsorted, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    Files.move(sorting, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot put the sorted index in place of " + dir + " (the old one: "
                            + (Files.exists(unsorted) ? unsorted : dir) + ")", e);
                }
            }
            deleteTree(unsorted);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sort the index at " + dir, e);
        }
        return r;
    }

    /**
     * After a crash inside {@link #sortInPlace}'s renames: puts the old index back where the index is missing, and
     * deletes what is left of the old index where the sorted one is in place.
     */
    static void recover(Path dir) {
        Path unsorted = sibling(dir, ".unsorted");
        if (!Files.exists(unsorted)) return;
        try {
            if (Files.exists(dir)) deleteTree(unsorted);
            else Files.move(unsorted, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot recover the index at " + dir + " from " + unsorted, e);
        }
    }

    /** Where to read the index in {@code dir}: itself, or while a sort has moved it aside and not yet put its copy there, the old one. */
    static Path readable(Path dir) {
        Path unsorted = sibling(dir, ".unsorted");
        return !Files.isDirectory(dir) && Files.isDirectory(unsorted) ? unsorted : dir;
    }

    private static Path sibling(Path dir, String suffix) {
        return dir.resolveSibling(dir.getFileName() + suffix);
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (java.util.stream.Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }

    /**
     * Writes a copy of the index in {@code from} into the empty folder {@code to}, its documents sorted by layer
     * ({@link IndexSchema#LAYER_SORT}): a layer's documents then sit side by side in every segment, so a search with a layer
     * filter reads only that stretch of each term's postings instead of leap-frogging through all of them. At most
     * {@code maxSegments} segments come out (the source's segments grouped by size, the groups written side by side), or
     * one per layer with {@link #SEGMENT_PER_LAYER};
     * their vector graphs are built again with {@code hnswM} and {@code hnswBeam} (Lucene's intra-merge workers).
     * {@code from} is only read. Interrupted, {@code to} holds no commit (or an empty one) and may be deleted.
     */
    public static Result sortByLayer(Path from, Path to, VectorFormat format, int hnswM, int hnswBeam, int maxSegments, int threads,
                                     Consumer<String> progress, int progressSeconds) {
        checkSegments(maxSegments, SEGMENT_PER_LAYER);
        if (!Files.isDirectory(from)) throw new lantern.errors.InvalidInputException("no index at " + from);
        long t0 = System.nanoTime();
        try (Pools pools = Pools.start(threads, "sort-progress"); Directory source = new MMapDirectory(from);
             Directory target = new MMapDirectory(to)) {
            if (DirectoryReader.indexExists(target)) {
                throw new lantern.errors.ConflictException("there is an index at " + to + " already; the sorted copy needs an empty folder");
            }
            DirectoryReader reader;
            try {
                reader = DirectoryReader.open(source);
            } catch (IndexNotFoundException e) {
                throw new lantern.errors.InvalidInputException("no index at " + from);
            }
            try (reader) {
                CodecReader[] leaves = new CodecReader[reader.leaves().size()];
                for (int i = 0; i < leaves.length; i++) leaves[i] = SlowCodecReaderWrapper.wrap(reader.leaves().get(i).reader());
                // each reader merged once, through a sorting view of its own (the view caches for one merge)
                java.util.List<java.util.List<CodecReader>> groups = new java.util.ArrayList<>();
                for (java.util.List<CodecReader> g : maxSegments == SEGMENT_PER_LAYER ? LayerSlices.byLayer(leaves).values()
                        : groups(leaves, maxSegments)) {
                    java.util.List<CodecReader> sorted = new java.util.ArrayList<>();
                    for (CodecReader r : g) sorted.add(SortingCodecReader.wrap(r, IndexSchema.LAYER_SORT));
                    groups.add(sorted);
                }
                IndexWriterConfig config = new IndexWriterConfig(IndexSchema.analyzer())
                        .setCodec(format.codec(hnswM, hnswBeam, pools.threads(), pools.workers()))
                        .setIndexSort(IndexSchema.LAYER_SORT)
                        .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
                        .setMergePolicy(new OnlyAddedIndexes()) // exactly the segments asked for
                        .setMergeScheduler(scheduler(pools.threads()))
                        .setCommitOnClose(false);
                try (IndexWriter writer = new IndexWriter(target, config)) {
                    int segmentsOut = groups.size();
                    java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
                    pools.ticker().scheduleAtFixedRate(() -> progress.accept(String.format(java.util.Locale.ROOT,
                                    "  sorting by layer: %d of %d segments written (%,d of %,d documents), %.1f GB on disk, %.0f s",
                                    written.get(), segmentsOut, writer.getDocStats().maxDoc, reader.maxDoc(), bytes(to) / 1e9,
                                    (System.nanoTime() - t0) / 1e9)),
                            progressSeconds, progressSeconds, TimeUnit.SECONDS);
                    addSideBySide(writer, groups, pools.threads(), written);
                    writer.commit();
                }
                try (DirectoryReader r = DirectoryReader.open(target)) {
                    return new Result(leaves.length, r.leaves().size(), r.numDocs(), (System.nanoTime() - t0) / 1e9);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a sorted copy of the index at " + from + " to " + to, e);
        }
    }

    /** The readers in at most {@code n} groups of about equal documents (largest first, each into the smallest group). */
    static java.util.List<java.util.List<CodecReader>> groups(CodecReader[] readers, int n) {
        java.util.List<java.util.List<CodecReader>> groups = new java.util.ArrayList<>();
        long[] size = new long[Math.min(n, readers.length)];
        for (int g = 0; g < size.length; g++) groups.add(new java.util.ArrayList<>());
        CodecReader[] bySize = readers.clone();
        java.util.Arrays.sort(bySize, java.util.Comparator.comparingInt(CodecReader::maxDoc).reversed());
        for (CodecReader r : bySize) {
            int smallest = 0;
            for (int g = 1; g < size.length; g++) if (size[g] < size[smallest]) smallest = g;
            groups.get(smallest).add(r);
            size[smallest] += r.maxDoc();
        }
        return groups;
    }

    /** Each group merged into one segment by {@link IndexWriter#addIndexes(CodecReader...)}, up to {@code threads} groups at once. */
    private static void addSideBySide(IndexWriter writer, java.util.List<java.util.List<CodecReader>> groups, int threads,
                                      java.util.concurrent.atomic.AtomicInteger written) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, groups.size())), daemons("sort-writer"));
        try {
            java.util.List<java.util.concurrent.Future<?>> running = new java.util.ArrayList<>();
            for (java.util.List<CodecReader> g : groups) {
                running.add(pool.submit(() -> {
                    writer.addIndexes(g.toArray(CodecReader[]::new));
                    written.incrementAndGet();
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : running) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof IOException io) throw io;
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    throw new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while sorting the index");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static long bytes(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException | RuntimeException e) {
            return 0; // only a progress line
        }
    }

    private static java.util.concurrent.ThreadFactory daemons(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Writes what {@link IndexWriter#addIndexes(CodecReader...)} is given as one segment each call, and merges nothing after. */
    private static final class OnlyAddedIndexes extends org.apache.lucene.index.FilterMergePolicy {
        OnlyAddedIndexes() {
            super(new org.apache.lucene.index.TieredMergePolicy());
        }

        @Override
        public MergeSpecification findMerges(org.apache.lucene.index.MergeTrigger trigger, org.apache.lucene.index.SegmentInfos infos,
                                             MergeContext context) {
            return null;
        }
    }

    /** Merges on {@code n} threads, a few more queued. */
    private static ConcurrentMergeScheduler scheduler(int n) {
        ConcurrentMergeScheduler scheduler = new ConcurrentMergeScheduler();
        scheduler.setMaxMergesAndThreads(Math.max(n, 2) + 4, n);
        return scheduler;
    }

    /** A merge's or a sort's threads: {@code threads} HNSW merge workers (cores: 0; none for one) and a progress ticker. */
    private record Pools(int threads, ExecutorService workers, ScheduledExecutorService ticker) implements AutoCloseable {
        static Pools start(int threads, String progressName) {
            int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
            return new Pools(n, n > 1 ? Executors.newFixedThreadPool(n, daemons("hnsw-merge-worker")) : null,
                    Executors.newSingleThreadScheduledExecutor(daemons(progressName)));
        }

        @Override
        public void close() {
            ticker.shutdownNow();
            if (workers != null) workers.shutdownNow();
        }
    }
}
