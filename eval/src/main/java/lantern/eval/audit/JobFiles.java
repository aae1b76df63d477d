package lantern.eval.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Pattern;

/** The files of one job under {@code audits/{id}/}: job.json, features.txt (the resolved ids), progress.log. */
final class JobFiles {
    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    final Path dir;

    JobFiles(Path auditsDir, String id) {
        if (id == null || !ID.matcher(id).matches()) throw new IllegalArgumentException("bad audit id: " + id);
        this.dir = auditsDir.resolve(id);
    }

    Path jobJson() {
        return dir.resolve("job.json");
    }

    Path featuresTxt() {
        return dir.resolve("features.txt");
    }

    Path progressLog() {
        return dir.resolve("progress.log");
    }

    /** What the feature task learned about the services it calls (see {@link FeatureTask#learned()}). */
    Path learnedJson() {
        return dir.resolve("learned.json");
    }

    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> readLearned() {
        if (!Files.isRegularFile(learnedJson())) return java.util.Map.of();
        try {
            return Json.MAPPER.readValue(learnedJson().toFile(), java.util.Map.class);
        } catch (IOException e) {
            return java.util.Map.of();   // a hint only: a job runs without it
        }
    }

    void writeLearned(java.util.Map<String, Object> learned) {
        try {
            writeAtomically(learnedJson(), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(learned));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JobRecord readRecord() {
        try {
            return Json.MAPPER.readValue(jobJson().toFile(), JobRecord.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jobJson(), e);
        }
    }

    void writeRecord(JobRecord r) {
        try {
            writeAtomically(jobJson(), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(r));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> readFeatures() {
        try {
            return Files.readAllLines(featuresTxt()).stream().filter(s -> !s.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + featuresTxt(), e);
        }
    }

    void writeFeatures(List<String> ids) {
        writeAtomically(featuresTxt(), (String.join("\n", ids) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Temp file, fsync, atomic rename: readers see the old or the new content, never a mix. */
    static void writeAtomically(Path target, byte[] content) {
        try {
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(content));
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}
