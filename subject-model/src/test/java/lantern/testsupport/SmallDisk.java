package lantern.testsupport;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real small filesystem (tmpfs of a few hundred KiB) for disk-full tests; needs the right to mount (root in a
 * container), else the test is skipped with a note.
 */
public final class SmallDisk implements AutoCloseable {
    public final Path dir;

    private SmallDisk(Path dir) {
        this.dir = dir;
    }

    public static SmallDisk mount(String size) throws Exception {
        Path dir = Files.createTempDirectory("lantern-small-disk");
        int rc = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
        if (rc != 0) {
            Files.deleteIfExists(dir);
            Assumptions.abort("cannot mount a small tmpfs here (needs root): disk-full test skipped");
        }
        return new SmallDisk(dir);
    }

    /** Fills the disk with one file, leaving about {@code leave} bytes free. */
    public Path fill(long leave) throws IOException {
        Path filler = dir.resolve("filler");
        var store = Files.getFileStore(dir);
        long n = Math.max(0, store.getUsableSpace() - leave);
        byte[] chunk = new byte[4096];
        try (var out = Files.newOutputStream(filler)) {
            for (long w = 0; w + chunk.length <= n; w += chunk.length) out.write(chunk);
        }
        return filler;
    }

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    @Override
    public void close() throws Exception {
        run("umount", "-l", dir.toString()); // lazy: a writer that hit the full disk may still hold a file open
        Files.deleteIfExists(dir);
    }
}
