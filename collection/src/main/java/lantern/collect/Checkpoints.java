package lantern.collect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The work folder of one collection in progress: it holds the latest checkpoint ({@code checkpoint.bin}) and a lock
 * that keeps a second process from collecting into the same folder. A collection resumes from the checkpoint when it
 * was made with the same key, starts fresh (and says why) when it was not or cannot be read, and deletes the folder
 * once the finished collection is stored. What it does is told to {@code notes} (the CLI prints them, the service
 * logs them).
 */
public final class Checkpoints implements AutoCloseable {
    static final String FILE = "checkpoint.bin";
    private static final String LOCK = "lock";

    private final Path dir;
    private final CheckpointPolicy policy;
    private final Consumer<String> notes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private int written;
    private long writeNanos;
    private long lastBytes;

    private Checkpoints(Path dir, CheckpointPolicy policy, Consumer<String> notes, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.policy = policy;
        this.notes = notes;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** No checkpoints: nothing is read or written. */
    public static Checkpoints none() {
        return new Checkpoints(null, CheckpointPolicy.off(), s -> { }, null, null);
    }

    /**
     * Opens (creating it) the work folder {@code dir} and takes its lock; throws when another collection holds it.
     * With a policy that is off, nothing is created and nothing is resumed.
     */
    public static Checkpoints open(Path dir, CheckpointPolicy policy, Consumer<String> notes) {
        if (!policy.enabled()) return none();
        try {
            Files.createDirectories(dir);
            FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;  // this JVM holds it already
            }
            if (lock == null) {
                ch.close();
                throw new IllegalStateException("another collection is running in " + dir + " (its lock is held)");
            }
            return new Checkpoints(dir, policy, notes, ch, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the checkpoint folder " + dir, e);
        }
    }

    public boolean enabled() {
        return dir != null;
    }

    /** The checkpoint file (null when checkpoints are off). */
    public Path file() {
        return dir == null ? null : dir.resolve(FILE);
    }

    /**
     * What this run's checkpoints cost.
     *
     * @param count     checkpoints written
     * @param seconds   time spent writing them
     * @param lastBytes size of the latest one (0: none)
     */
    public record Written(int count, double seconds, long lastBytes) {
    }

    public Written stats() {
        return new Written(written, writeNanos / 1e9, lastBytes);
    }

    boolean due(int batches, long nanos) {
        return enabled() && policy.due(batches, nanos);
    }

    /** A run's restored layers and where they stand. */
    record Resumed(CheckpointFile.Position position, LayerState[] layers) {
    }

    /**
     * The state to continue from, if this folder holds a checkpoint of a run with {@code key}; otherwise empty, after
     * saying why on the notes when there was a checkpoint (another run's, or unreadable).
     *
     * @param tokensBefore text tokens of the batches before each batch (see {@link CheckpointFile#read})
     * @param fresh        makes empty layer states to restore into
     */
    Optional<Resumed> resume(CheckpointKey key, long[] tokensBefore, Supplier<LayerState[]> fresh) {
        Path file = file();
        if (file == null || !Files.exists(file)) return Optional.empty();
        if (policy.restart()) {
            notes.accept("ignoring the checkpoint " + file + " (restart asked for); it is replaced at the first new checkpoint");
            return Optional.empty();
        }
        LayerState[] layers = fresh.get();
        try {
            return switch (CheckpointFile.read(file, key, tokensBefore, layers)) {
                case CheckpointFile.Restored r -> {
                    int batches = tokensBefore.length - 1;
                    notes.accept(String.format("resuming from the checkpoint %s: %,d of %,d tokens done (batch %,d of %,d)",
                            file, r.position().tokensDone(), tokensBefore[batches], r.position().nextBatch(), batches));
                    yield Optional.of(new Resumed(r.position(), layers));
                }
                case CheckpointFile.Mismatch m -> {
                    notes.accept("starting fresh: the checkpoint " + file + " is of a different collection ("
                            + String.join("; ", m.differences()) + "); it is replaced at the first new checkpoint");
                    yield Optional.empty();
                }
            };
        } catch (IOException | RuntimeException e) {
            // Whatever is wrong with the file, the run can always start over: a checkpoint only saves time.
            notes.accept("starting fresh: the checkpoint " + file + " cannot be used (" + describe(e) + ")");
            return Optional.empty();
        }
    }

    private static String describe(Exception e) {
        return e instanceof CorruptCheckpointException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /**
     * Writes a checkpoint. A failed write (disk full, say) is told to the notes and the run goes on: the previous
     * checkpoint is still whole, and stopping would lose more than it saves.
     */
    void save(CheckpointKey key, CheckpointFile.Position at, LayerState[] layers) {
        long t0 = System.nanoTime();
        try {
            lastBytes = CheckpointFile.write(file(), key, at, layers);
            written++;
        } catch (IOException | RuntimeException e) {
            notes.accept("could not write a checkpoint to " + file() + " (" + describe(e) + "); collecting on");
        } finally {
            writeNanos += System.nanoTime() - t0;
        }
    }

    /** The collection is stored: the checkpoint is not needed any more, and the work folder goes. */
    public void finished() {
        if (dir == null) return;
        release();
        ActivationStore.deleteTree(dir);
    }

    /** Releases the lock; a folder that holds no checkpoint (the run ended before the first) is removed. */
    @Override
    public void close() {
        if (dir == null) return;
        release();
        if (Files.isDirectory(dir) && !Files.exists(file())) ActivationStore.deleteTree(dir);
    }

    private void release() {
        try {
            if (lock.isValid()) lock.release();
            lockChannel.close();
        } catch (IOException e) {
            // closing the channel releases the lock in any case
        }
    }
}
