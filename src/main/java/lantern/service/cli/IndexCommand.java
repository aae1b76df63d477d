package lantern.service.cli;

import lantern.cli.DataOption;

import jakarta.inject.Inject;
import lantern.api.FeatureRecords;
import lantern.index.IndexCheck;
import lantern.service.FeatureRecordsService;
import lantern.service.IndexRebuilder;
import lantern.core.LanternConfig;
import lantern.service.ModelRegistry;
import picocli.CommandLine;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code lantern index check | rebuild}: verify the feature index, or rebuild it from the explanation histories. */
@CommandLine.Command(name = "index", mixinStandardHelpOptions = true, description = "Check or rebuild the feature index.",
        subcommands = {IndexCommand.Check.class, IndexCommand.Rebuild.class})
public class IndexCommand implements Runnable {
    /** Accepted like every command's (the launcher hands it to the app as lantern.data-dir before start). */
    @CommandLine.Mixin
    DataOption data = new DataOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    @CommandLine.Command(name = "check", description = "Verify every file of the index (checksums).")
    public static class Check implements Callable<Integer> {
        @Inject
        LanternConfig config;

        @Override
        public Integer call() {
            try {
                int docs = IndexCheck.verify(config.dataDir().resolve("index"));
                System.out.println("index OK: " + docs + " documents");
                return 0;
            } catch (IndexCheck.DamagedIndexException e) {
                System.err.println(e.getMessage());
                return 1;
            }
        }
    }

    @CommandLine.Command(name = "rebuild", description = "Rebuild the index from the stored explanation histories "
            + "(the old one is kept as index.damaged-<time>). Stop the service first.")
    public static class Rebuild implements Callable<Integer> {
        @Inject
        LanternConfig config;
        @Inject
        ModelRegistry models;
        @Inject
        FeatureRecordsService records;

        @Override
        public Integer call() {
            long t0 = System.nanoTime();
            var r = IndexRebuilder.rebuild(config.dataDir(), config.index().vectorFormat(), text -> models.embedder().embed(text), id -> {
                try {
                    FeatureRecords fr = records.load(id).orElse(null);
                    return fr == null ? List.of() : lantern.service.AuditFeatureTask.topTokens(fr, 8);
                } catch (RuntimeException e) {
                    return List.of(); // records gone or stale: the explanation is still indexed
                }
            });
            System.out.printf("rebuilt the index: %d documents for %d features in %.1f s%s%n", r.documents(), r.features(),
                    (System.nanoTime() - t0) / 1e9, r.oldIndex() == null ? "" : "; the old one is at " + r.oldIndex());
            return 0;
        }
    }
}
