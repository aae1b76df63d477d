package lantern.eval.audit;

import java.nio.file.Path;
import java.util.List;

/** The finished features of one audit, read from {@code audits/{id}/progress.log} (benchmarks read audits offline). */
public final class AuditEntries {
    private AuditEntries() {
    }

    public static List<ProgressEntry> read(Path auditsDir, String id) {
        Path log = auditsDir.resolve(id).resolve("progress.log");
        if (!java.nio.file.Files.isRegularFile(log)) throw new IllegalArgumentException("no audit " + id + " in " + auditsDir);
        return ProgressLog.read(log);
    }
}
