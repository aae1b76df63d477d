package lantern.bench;

import lantern.cli.DataOption;
import lantern.eval.bench.ChineseFaithfulnessBench;
import lantern.collect.StoredCollection;
import lantern.explainer.explain.RecordSplitter;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/**
 * {@code lantern bench chinese}: ground-truth units of a Chinese collection (a place in the line or a small character
 * set holds their strongest activations on top windows the explainer never sees; {@link ChineseFaithfulnessBench}),
 * labelled by the Chinese statistical explainer; prints how many are named right at simulation ≥ 0.5.
 */
@CommandLine.Command(name = "chinese", mixinStandardHelpOptions = true,
        description = "Ground-truth benchmark on a Chinese collection: do the Chinese labels name the rhyme position or the character set?")
public class BenchChineseCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--model", defaultValue = "bge-small-zh", description = "Model id (default: ${DEFAULT-VALUE}).")
    String model;

    @CommandLine.Option(names = "--name", defaultValue = "chinese-poetry", description = "Collection name (default: ${DEFAULT-VALUE}); collect it with --top-k 60 so unseen top windows remain.")
    String name;

    @CommandLine.Option(names = "--max-units", defaultValue = "0", description = "Units scanned per layer, the first ones (0: all).")
    int maxUnits;

    @CommandLine.Option(names = "--examples", defaultValue = "3", description = "Labels to print per truth kind (default: ${DEFAULT-VALUE}).")
    int examples;

    @CommandLine.Mixin
    DataOption data = new DataOption();

    @Override
    public Integer call() {
        var bench = new ChineseFaithfulnessBench(ChineseFaithfulnessBench.Settings.defaults(), RecordSplitter.scoring(20));
        var s = bench.settings();
        StoredCollection collection = StoredCollection.open(data.path(), model, name);
        var m = collection.manifest();
        int width = maxUnits == 0 ? m.width() : Math.min(maxUnits, m.width());
        System.out.printf(Locale.ROOT, "bench chinese: %s/%s (%,d tokens, top-%d windows), layers %s, %d units per layer%n",
                model, name, m.tokens(), m.topK(), m.layers(), width);
        System.out.printf(Locale.ROOT, "truth from top windows outside the explain (20) and scoring (20 + 20 random) sets: a place %s holds >= %.0f%% of the %d strongest%n"
                + "  activations and separates them (AUC >= %.2f), or <= %d characters do; right: the label names it and simulates >= %.1f%n",
                ChineseFaithfulnessBench.PLACES, 100 * s.minPrecision(), s.k(), s.minSeparation(), s.maxSet(), s.minSimulation());
        long t0 = System.nanoTime();
        List<ChineseFaithfulnessBench.Unit> units = new ArrayList<>();
        for (int layer : m.layers()) {
            List<ChineseFaithfulnessBench.Unit> found = IntStream.range(0, width).parallel()
                    .mapToObj(i -> bench.run(collection.records(layer, i))).flatMap(Optional::stream).toList();
            units.addAll(found);
            System.out.printf(Locale.ROOT, "  layer %d: %d of %d units are ground-truth units (%.0f s so far)%n", layer, found.size(), width,
                    (System.nanoTime() - t0) / 1e9);
        }
        Map<String, List<ChineseFaithfulnessBench.Unit>> byTruth = new TreeMap<>();
        for (var u : units) byTruth.computeIfAbsent(u.truth().kind().equals("place") ? "place " + u.truth().value() : "character set", k -> new ArrayList<>()).add(u);
        System.out.println();
        System.out.println("| truth | units | named | right (sim >= 0.5) | mean simulation |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (var e : byTruth.entrySet()) row(e.getKey(), e.getValue(), s.minSimulation());
        row("all", units, s.minSimulation());
        for (var e : byTruth.entrySet()) {
            System.out.println();
            System.out.println(e.getKey() + ", examples:");
            e.getValue().stream().limit(examples).forEach(u -> System.out.printf(Locale.ROOT, "  %s  truth %s (%.2f)  sim %.2f  %s%n",
                    u.feature(), u.truth().value(), u.truth().precision(), u.simulation(), u.label()));
        }
        return 0;
    }

    private static void row(String name, List<ChineseFaithfulnessBench.Unit> units, double minSim) {
        long named = units.stream().filter(ChineseFaithfulnessBench.Unit::named).count();
        long right = units.stream().filter(u -> u.right(minSim)).count();
        double mean = units.stream().mapToDouble(ChineseFaithfulnessBench.Unit::simulation).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "| %s | %d | %d (%.0f%%) | %d (%.0f%%) | %.2f |%n", name, units.size(), named,
                units.isEmpty() ? 0.0 : 100.0 * named / units.size(), right, units.isEmpty() ? 0.0 : 100.0 * right / units.size(), mean);
    }
}
