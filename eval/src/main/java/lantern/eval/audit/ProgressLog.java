package lantern.eval.audit;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A job's append-only progress log: one JSON line per finished feature, forced to disk before {@link #append}
 * returns. A crash can leave a torn last line (no newline); reading ignores it and opening for append cuts it off.
 */
final class ProgressLog implements Closeable {
    private static final System.Logger LOG = System.getLogger(ProgressLog.class.getName());
    // RandomAccessFile, not FileChannel: an interrupted thread must not close the log under everyone else
    private final RandomAccessFile file;

    private ProgressLog(RandomAccessFile file) {
        this.file = file;
    }

    /** Opens for appending, after cutting off a torn last line. */
    static ProgressLog openForAppend(Path file) {
        try {
            long valid = scan(file, new ArrayList<>());
            RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw");
            if (raf.length() > valid) {
                raf.setLength(valid);
                raf.getFD().sync();
            }
            raf.seek(valid);
            return new ProgressLog(raf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open progress log " + file, e);
        }
    }

    /** Every complete entry, first occurrence of each feature only, in log order. */
    static List<ProgressEntry> read(Path file) {
        try {
            List<ProgressEntry> entries = new ArrayList<>();
            scan(file, entries);
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read progress log " + file, e);
        }
    }

    /** Parses complete lines into {@code out}; returns the byte length of the complete part. */
    private static long scan(Path file, List<ProgressEntry> out) throws IOException {
        if (!Files.exists(file)) return 0;
        byte[] bytes = Files.readAllBytes(file);
        Set<String> seen = new HashSet<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') continue;
            String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
            start = i + 1;
            if (line.isBlank()) continue;
            try {
                ProgressEntry e = Json.MAPPER.readValue(line, ProgressEntry.class);
                if (e.feature() != null && seen.add(e.feature())) out.add(e);
            } catch (IOException bad) {
                LOG.log(System.Logger.Level.WARNING, "skipping unreadable line in " + file + ": " + bad.getMessage());
            }
        }
        return start; // bytes after the last newline belong to a torn write
    }

    /** Appends one line and forces it to disk (see {@link #appendAll}). */
    void append(ProgressEntry entry) {
        appendAll(List.of(entry));
    }

    /**
     * Appends one line per entry in one write and forces them to disk with one fsync (a group commit). When the write
     * fails (a full disk), the part written is cut off again, so the log stays a list of whole lines, none of the
     * group is in it, and the next append does not glue onto a torn one.
     */
    synchronized void appendAll(List<ProgressEntry> entries) {
        if (entries.isEmpty()) return;
        long before = -1;
        try {
            StringBuilder lines = new StringBuilder();
            for (ProgressEntry entry : entries) lines.append(Json.MAPPER.writeValueAsString(entry)).append('\n');
            before = file.getFilePointer();
            file.write(lines.toString().getBytes(StandardCharsets.UTF_8));
            file.getFD().sync();
        } catch (IOException e) {
            if (before >= 0) {
                try {
                    file.setLength(before);
                    file.seek(before);
                } catch (IOException cut) {
                    e.addSuppressed(cut); // reading and reopening still ignore the torn tail
                }
            }
            throw new UncheckedIOException("cannot append to the audit's progress log (disk full?): " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
