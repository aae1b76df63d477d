package lantern.eval.audit;

import lantern.api.audit.JobState;
import lantern.api.audit.FeatureSelection;
import lantern.api.audit.AuditStatus;
import lantern.api.audit.AuditRequest;
import lantern.api.audit.FeatureSpace;
import lantern.testsupport.SmallDisk;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The disk fills up while an audit writes its progress log: a clear error, and every file stays valid. */
class DiskFullTest {
    static final FeatureSpace SPACE = new FixedFeatureSpace("toy", 1, 200);

    @Test
    void aFullDiskFailsTheAuditClearlyAndLeavesItsFilesValid() throws Exception {
        try (SmallDisk disk = SmallDisk.mount("512k")) {
            String big = "x".repeat(3000); // each log line ~3 KB
            FeatureTask task = (r, f) -> new FeatureResult(big, "statistical", 0.5, null, null, null, 1, List.of());
            var auditsDir = disk.dir.resolve("audits");
            String id;
            try (AuditJobs jobs = new AuditJobs(auditsDir, SPACE, task)) {
                // filled before the job starts: an instant task could otherwise fill the disk first (a race under load)
                disk.fill(64 * 1024); // room for the job's files and about 20 lines
                id = jobs.submit(new AuditRequest("toy", List.of(0), "mlp", new FeatureSelection.All(), "statistical",
                        "statistical", 1, List.of(), false));
                assertThat(jobs.awaitFinished(id, Duration.ofSeconds(30))).isTrue();
                AuditStatus s = jobs.status(id);
                assertThat(s.state()).isEqualTo(JobState.FAILED);
                assertThat(s.error()).contains("progress log").contains("disk full?");
                assertThat(s.done()).isBetween(1, 199);
            }
            // the log holds whole lines only, each feature once; job.json is readable
            var files = new JobFiles(auditsDir, id);
            byte[] log = Files.readAllBytes(files.progressLog());
            assertThat(log[log.length - 1]).isEqualTo((byte) '\n');
            String text = new String(log, StandardCharsets.UTF_8);
            List<ProgressEntry> entries = ProgressLog.read(files.progressLog());
            assertThat(entries).hasSize((int) text.chars().filter(c -> c == '\n').count());
            assertThat(entries).extracting(ProgressEntry::feature).doesNotHaveDuplicates();
            assertThat(files.readRecord().id()).isEqualTo(id);

            // with room again, the engine reopens the job and its log as they were
            Files.delete(disk.dir.resolve("filler"));
            try (AuditJobs again = new AuditJobs(auditsDir, SPACE, task)) {
                assertThat(again.status(id).done()).isEqualTo(entries.size());
            }
        }
    }
}
