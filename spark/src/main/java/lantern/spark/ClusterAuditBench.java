package lantern.spark;

import lantern.collect.ActivationStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The same audit (statistical explainer and simulator, MiniLM layer 0, features 0..N-1, the causal check if asked)
 * on one machine and on loopback Spark clusters of 1, 2, ... one-core Workers, each run as a user runs it
 * ({@code lantern audit [--engine spark --master URL]}) over the same collection. Prints wall times and their ratios
 * to the local run. The Spark times include starting the driver and its executors (each loads MiniLM).
 *
 * <p>{@code java @spark/target/spark-home/driver.args lantern.spark.ClusterAuditBench [--features 32] [--workers 1,2]
 * [--concurrency 2] [--causal] [--collect-tokens 20000]} from the repository root, after building both projects.
 */
public final class ClusterAuditBench {
    private ClusterAuditBench() {
    }

    public static void main(String[] args) throws Exception {
        int features = 32, concurrency = 2;
        long collectTokens = 20_000;
        boolean causal = false;
        List<Integer> workers = new ArrayList<>(List.of(1, 2));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--features" -> features = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--collect-tokens" -> collectTokens = Long.parseLong(args[++i]);
                case "--causal" -> causal = true;
                case "--workers" -> {
                    workers.clear();
                    for (String w : args[++i].split(",")) workers.add(Integer.parseInt(w.trim()));
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path repo = LanternApp.repo();
        Path sparkHome = repo.resolve("spark/target/spark-home");
        Path base = repo.resolve("spark/target/bench-audit");
        ActivationStore.deleteTree(base);
        Path corpora = repo.resolve("lantern-data/corpora");
        List<String> props = List.of("-Dlantern.audit.collect-tokens=" + collectTokens);
        List<String> audit = new ArrayList<>(List.of("audit", "--layers", "0", "--features", "0-" + (features - 1),
                "--concurrency", Integer.toString(concurrency)));
        if (causal) audit.add("--causal");

        // the collection every run reads (an audit of one feature collects it)
        Path prepared = dataDir(base.resolve("prepared"), corpora, null);
        Path log = base.resolve("prepare.log");
        LanternApp.await(LanternApp.start(prepared, log, props, "audit", "--layers", "0", "--features", "0-0"), log, 30);

        Map<String, Double> seconds = new LinkedHashMap<>();
        Path local = dataDir(base.resolve("local"), corpora, prepared);
        seconds.put("local", time(local, base.resolve("local.log"), props, audit));
        for (int w : workers) {
            Path data = dataDir(base.resolve("spark-" + w), corpora, prepared);
            try (LoopbackCluster cluster = LoopbackCluster.start(sparkHome, base.resolve("cluster-" + w), w, 1, "2g")) {
                List<String> p = new ArrayList<>(props);
                p.addAll(List.of("-Dlantern.spark.home=" + sparkHome, "-Dlantern.spark.executor-memory=1g"));
                List<String> a = new ArrayList<>(audit);
                a.addAll(List.of("--engine", "spark", "--master", cluster.masterUrl()));
                seconds.put("spark, " + w + " worker" + (w == 1 ? "" : "s"), time(data, base.resolve("spark-" + w + ".log"), p, a));
            }
        }
        double ref = seconds.get("local");
        System.out.printf("audit of %d MiniLM layer-0 features (statistical%s, concurrency %d), %d cores:%n", features,
                causal ? " + causal" : "", concurrency, Runtime.getRuntime().availableProcessors());
        for (var e : seconds.entrySet()) {
            System.out.printf("  %-18s %7.1f s  %5.2fx local's time  %5.2f features/s%n", e.getKey(), e.getValue(),
                    e.getValue() / ref, features / e.getValue());
        }
    }

    private static double time(Path data, Path log, List<String> props, List<String> args) throws Exception {
        long t0 = System.nanoTime();
        LanternApp.await(LanternApp.start(data, log, props, args.toArray(String[]::new)), log, 60);
        return (System.nanoTime() - t0) / 1e9;
    }

    private static Path dataDir(Path dir, Path corpora, Path collectionFrom) throws Exception {
        Files.createDirectories(dir);
        Files.createSymbolicLink(dir.resolve("corpora"), corpora);
        if (collectionFrom != null) {
            Path from = collectionFrom.resolve("activations");
            try (Stream<Path> s = Files.walk(from)) {
                for (Path p : s.toList()) {
                    Path t = dir.resolve("activations").resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) Files.createDirectories(t);
                    else Files.copy(p, t);
                }
            }
        }
        return dir;
    }
}
