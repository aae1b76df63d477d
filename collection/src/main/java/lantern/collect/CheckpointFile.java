package lantern.collect;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checkpoint file of a collection in progress (little-endian):
 * <pre>
 *   int    magic "LNTC", int format version
 *   int    key fields, then (string name, string value) per field    -- {@link CheckpointKey}
 *   int    next batch, long text tokens done, long nanoseconds collected so far
 *   int    layers, then per layer its main-pass state                  -- {@link LayerState#save}
 *   long   CRC32C of every byte before it
 * </pre>
 * (a string is an int byte count and UTF-8 bytes, an array an int element count and its elements). It is written to
 * a temporary file, forced to the device and renamed over the previous checkpoint, so a kill at any moment leaves
 * the previous checkpoint or the new one, whole.
 */
final class CheckpointFile {
    static final int MAGIC = 0x4C4E5443;  // "LNTC"
    /** Raise when the layout or the meaning of the state changes: an older checkpoint is then not resumed. */
    static final int VERSION = 2;

    private CheckpointFile() {
    }

    /**
     * Where a checkpoint stands.
     *
     * @param nextBatch    the first batch (in {@link CollectionPlan#batchesByLength} order) not yet digested
     * @param tokensDone   text tokens of the batches before it
     * @param elapsedNanos time spent collecting them, over every run so far
     */
    record Position(int nextBatch, long tokensDone, long elapsedNanos) {
    }

    /** What reading a checkpoint gave. */
    sealed interface Outcome {
    }

    /** The state was restored into the layers given, which now stand at {@code position}. */
    record Restored(Position position) implements Outcome {
    }

    /** The checkpoint belongs to a different run: {@code differences} says how ("seed: 1 -> 2"). */
    record Mismatch(List<String> differences) implements Outcome {
    }

    /** Writes a checkpoint atomically to {@code file}; returns its size in bytes. */
    static long write(Path file, CheckpointKey key, Position at, LayerState[] layers) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        long bytes;
        try (StateOut out = new StateOut(tmp)) {
            out.putInt(MAGIC).putInt(VERSION);
            out.putInt(key.fields().size());
            for (Map.Entry<String, String> f : key.fields().entrySet()) out.putString(f.getKey()).putString(f.getValue());
            out.putInt(at.nextBatch()).putLong(at.tokensDone()).putLong(at.elapsedNanos());
            out.putInt(layers.length);
            for (LayerState l : layers) l.save(out);
            bytes = out.bytes() + 8;
            out.finish();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(file.getParent());
        return bytes;
    }

    /**
     * Reads a checkpoint made for {@code expected} into {@code fresh} (new layer states of the expected shape);
     * {@code tokensBefore[b]} is the text tokens of the batches before batch {@code b}, which the position must agree
     * with. Throws {@link CorruptCheckpointException} for a file that is damaged, cut short or of another format; the
     * layers are then partly overwritten and must be thrown away.
     */
    static Outcome read(Path file, CheckpointKey expected, long[] tokensBefore, LayerState[] fresh) throws IOException {
        try (StateIn in = new StateIn(file)) {
            int magic = in.getInt(), version = in.getInt();
            if (magic != MAGIC) throw new CorruptCheckpointException("not a Lantern checkpoint");
            if (version != VERSION) {
                throw new CorruptCheckpointException("format version " + version + " (this Lantern writes " + VERSION + ")");
            }
            int count = in.getLength(1000, "key fields");
            Map<String, String> fields = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) fields.put(in.getString(), in.getString());
            List<String> differences = expected.differencesFrom(new CheckpointKey(fields));
            if (!differences.isEmpty()) return new Mismatch(differences);

            Position at = new Position(in.getInt(), in.getLong(), in.getLong());
            int batches = tokensBefore.length - 1;
            if (at.nextBatch() < 1 || at.nextBatch() > batches || at.tokensDone() != tokensBefore[at.nextBatch()]
                    || at.elapsedNanos() < 0) {
                throw new CorruptCheckpointException("position " + at + " does not fit the run's " + batches + " batches");
            }
            int layers = in.getInt();
            if (layers != fresh.length) throw new CorruptCheckpointException(layers + " layers, expected " + fresh.length);
            for (LayerState l : fresh) l.restore(in);
            in.expectEnd();
            return new Restored(at);
        }
    }

    /** Makes the rename durable (a directory's entries are flushed separately from its files' data on Linux). */
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform opens directories (Windows does not); the rename is still atomic there.
        }
    }
}
