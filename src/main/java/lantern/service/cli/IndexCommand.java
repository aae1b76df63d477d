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

/**
 * {@code lantern index check | rebuild | optimize}: verify the feature index, rebuild it from the explanation
 * histories, or force-merge it to a few segments after a bulk load.
 */
@CommandLine.Command(name = "index", mixinStandardHelpOptions = true, description = "Check, rebuild or optimize the feature index.",
        subcommands = {IndexCommand.Check.class, IndexCommand.Rebuild.class, IndexCommand.Optimize.class})
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
            var r = IndexRebuilder.rebuild(config.dataDir(), config.index().vectorFormat(),
                    config.index().hnswM(), config.index().hnswBeamWidth(), text -> models.embedder().embed(text), id -> {
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

    @CommandLine.Command(name = "optimize", description = "Force-merge the index to a few segments, as after a bulk load "
            + "(a search walks one vector graph per segment). Stop the service first; needs free disk about the index's size. "
            + "Interrupting it leaves the index as it was.")
    public static class Optimize implements Callable<Integer> {
        @Inject
        LanternConfig config;

        @CommandLine.Option(names = "--segments", description = "At most this many segments after (default: 1).")
        Integer segments;

        @CommandLine.Option(names = "--threads", defaultValue = "0", description = "Merge threads (default: every core).")
        int threads;

        @CommandLine.Option(names = "--hnsw-m", description = "Neighbours per node of the merged vector graphs (default: lantern.index.hnsw-m).")
        Integer hnswM;

        @CommandLine.Option(names = "--hnsw-beam-width", description = "The merged vector graphs' construction beam width "
                + "(default: lantern.index.hnsw-beam-width). The largest segment's graph is kept and grown, so a denser "
                + "setting reaches the vectors merged into it; `index rebuild` rebuilds every graph.")
        Integer hnswBeam;

        @CommandLine.Option(names = "--format", description = "Vector format of the merged segments: float, int8 or int4 "
                + "(default: lantern.index.vector-format; merging converts the segments it merges).")
        String format;

        @CommandLine.Option(names = "--sort-by-layer", description = "Also sort an index made before indexes were sorted: a "
                + "layer's documents side by side, so a search with a layer filter reads only their stretch of the postings. "
                + "Writes a sorted copy beside the index (every vector graph built again) and puts it in its place.")
        boolean sortByLayer;

        @CommandLine.Option(names = "--segment-per-layer", description = "Sort by layer and write each layer into a segment of "
                + "its own (instead of --segments): a search with a layer filter walks that layer's vector graph alone, "
                + "unfiltered, and each graph finds more of the true neighbours; a search without a filter walks one graph per "
                + "layer. Writes a copy beside the index, as --sort-by-layer does.")
        boolean segmentPerLayer;

        @Override
        public Integer call() {
            var f = format == null ? config.index().vectorFormat() : lantern.index.VectorFormat.parse(format);
            int m = hnswM != null ? hnswM : config.index().hnswM(), beam = hnswBeam != null ? hnswBeam : config.index().hnswBeamWidth();
            if (segmentPerLayer && segments != null) {
                throw new lantern.errors.InvalidInputException("--segments and --segment-per-layer exclude each other: "
                        + "a segment per layer makes as many segments as the index has layers");
            }
            int n = segments == null ? 1 : segments;
            var dir = config.dataDir().resolve("index");
            var r = sortByLayer || segmentPerLayer
                    ? lantern.index.IndexOptimizer.sortInPlace(dir, f, m, beam,
                            segmentPerLayer ? lantern.index.IndexOptimizer.SEGMENT_PER_LAYER : n, threads, System.out::println, 60)
                    : lantern.index.IndexOptimizer.forceMerge(dir, f, m, beam, n, threads, System.out::println, 60);
            System.out.printf("optimized the index: %d segments -> %d, %d documents, %s vectors,%s in %.1f s%n",
                    r.segmentsBefore(), r.segmentsAfter(), r.documents(), f,
                    segmentPerLayer ? " a segment per layer," : sortByLayer ? " sorted by layer," : "", r.seconds());
            if (segmentPerLayer && config.index().knnOptimistic()) {
                System.out.println("to find as many true neighbours in it as in one graph, search it with "
                        + "lantern.index.knn-optimistic=false (every layer's graph walked for all candidates; docs/speed-at-scale.md)");
            }
            return 0;
        }
    }
}
