package lantern.eval.audit;

import lantern.index.FeatureIndex;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Child process of {@link AuditCrashTest}: {@code submit <dataDir>} starts a 120-feature audit and runs it,
 * {@code resume <dataDir>} resumes unfinished audits; a third argument {@code group} indexes without committing and
 * lets the engine's group commit ({@link AuditCrashTest#GROUP}) commit. Prints "JOB id" and "FINISHED state".
 */
public final class CrashAuditMain {
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[1]);
        boolean group = args.length > 2 && args[2].equals("group");
        try (FeatureIndex index = FeatureIndex.open(data.resolve("index"));
             AuditJobs jobs = new AuditJobs(data.resolve("audits"), AuditCrashTest.SPACE,
                     new IndexingFeatureTask(index, AuditCrashTest.DELAY_MS, 0, group))) {
            if (group) jobs.settings(AuditCrashTest.GROUP);
            List<String> ids = switch (args[0]) {
                case "submit" -> List.of(jobs.submit(AuditCrashTest.request()));
                case "resume" -> jobs.resumeUnfinished();
                default -> throw new IllegalArgumentException(args[0]);
            };
            for (String id : ids) {
                System.out.println("JOB " + id);
                System.out.flush();
            }
            for (String id : ids) {
                jobs.awaitFinished(id, Duration.ofMinutes(5));
                System.out.println("FINISHED " + jobs.status(id).state().json());
            }
        }
        System.exit(0);
    }
}
