package lantern.service.cli;

import lantern.eval.bench.FaithfulnessBench;
import lantern.eval.bench.FaithfulnessReport;
import lantern.explainer.collect.StoredCollection;
import lantern.explainer.explain.RecordSplitter;
import lantern.explainer.explain.StatisticalExplainer.Search;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/**
 * {@code lantern bench faithfulness}: ground-truth units from the tagged corpus (a Brown tag family dominates
 * their strongest activations on windows the explainer does not see), explained by the legacy and the
 * cross-validated hypothesis search in one run; prints the fraction labelled with the right class at simulation
 * ≥ 0.5, by layer and by class.
 */
@CommandLine.Command(name = "faithfulness", mixinStandardHelpOptions = true,
        description = "Ground-truth benchmark: do statistical explanations name the tag class that dominates a unit?")
public class BenchFaithfulnessCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--model", defaultValue = "minilm-l6", description = "Model id (default: ${DEFAULT-VALUE}).")
    String model;

    @CommandLine.Option(names = "--name", defaultValue = "brown", description = "Collection name (default: ${DEFAULT-VALUE}).")
    String name;

    @CommandLine.Option(names = "--layers", description = "Layers, e.g. 0-1 (default: every collected layer).")
    String layers;

    @CommandLine.Option(names = "--max-units", defaultValue = "0", description = "Units scanned per layer, the first ones (0: all).")
    int maxUnits;

    @CommandLine.Option(names = "--search", split = ",", defaultValue = "legacy,cv",
            description = "Hypothesis searches to compare: legacy (before) and cv (after) (default: ${DEFAULT-VALUE}).")
    List<String> searches;

    @CommandLine.Option(names = "--examples", defaultValue = "5", description = "Units whose labels to print (default: ${DEFAULT-VALUE}).")
    int examples;

    @CommandLine.Option(names = "--all-units", description = "Also explain every unit with each search and print the mean simulation score per layer.")
    boolean allUnits;

    @CommandLine.Mixin
    DataOption data = new DataOption();

    @Override
    public Integer call() {
        if (maxUnits < 0 || examples < 0) throw new IllegalArgumentException("--max-units and --examples must be >= 0");
        List<Search> search = searches.stream().map(Search::parse).distinct().toList();
        StoredCollection collection = StoredCollection.open(data.path(), model, name);
        var m = collection.manifest();
        int[] ls = layers == null ? m.layers().stream().mapToInt(Integer::intValue).toArray() : ModelLoader.layers(layers, m.layers().stream().mapToInt(i -> i).max().orElse(0) + 1);
        for (int l : ls) if (!collection.hasLayer(l)) throw new IllegalArgumentException("layer " + l + " was not collected (have " + m.layers() + ")");
        int width = maxUnits == 0 ? m.width() : Math.min(maxUnits, m.width());
        var bench = new FaithfulnessBench(FaithfulnessBench.Settings.defaults(), RecordSplitter.defaults());
        System.out.printf(Locale.ROOT, "bench faithfulness: %s/%s (%,d tokens, top-%d windows), layers %s, %d units per layer%n",
                model, name, m.tokens(), m.topK(), Arrays.toString(ls), width);
        System.out.println("  ground truth: one Brown tag family holds >= 90% of the 50 strongest activations on top windows outside the explain set;");
        System.out.println("  right: the rule names that class and its statistical simulation scores >= 0.5 on held-out top + random windows");
        long t0 = System.nanoTime();
        List<FaithfulnessBench.Unit> units = new ArrayList<>();
        Map<Integer, Integer> scanned = new TreeMap<>();
        for (int l : ls) {
            final int layer = l;
            List<FaithfulnessBench.Unit> found = IntStream.range(0, width).parallel()
                    .mapToObj(i -> bench.run(collection.records(layer, i), search)).flatMap(Optional::stream).toList();
            units.addAll(found);
            scanned.put(l, width);
            System.out.printf(Locale.ROOT, "  layer %d: %d of %d units are ground-truth units (%.0f s so far)%n", l, found.size(), width, (System.nanoTime() - t0) / 1e9);
        }
        System.out.println();
        System.out.print(FaithfulnessReport.render(units, scanned, search, 12));
        if (allUnits) {
            System.out.println();
            System.out.printf(Locale.ROOT, "mean simulation score of every unit (statistical simulator, held-out top + random windows):%n%-6s %6s", "layer", "units");
            for (Search s : search) System.out.printf(Locale.ROOT, " %9s", s == Search.LEGACY ? "before" : "after");
            System.out.println();
            for (int l : ls) {
                final int layer = l;
                List<double[]> sims = IntStream.range(0, width).parallel()
                        .mapToObj(i -> bench.simulations(collection.records(layer, i), search)).toList();
                System.out.printf(Locale.ROOT, "%-6d %6d", l, width);
                for (int k = 0; k < search.size(); k++) {
                    final int kk = k;
                    System.out.printf(Locale.ROOT, " %9.3f", sims.stream().mapToDouble(d -> d[kk]).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN));
                }
                System.out.println();
            }
        }
        if (examples > 0 && !units.isEmpty()) {
            System.out.println();
            for (int i = 0; i < Math.min(examples, units.size()); i++) {
                FaithfulnessBench.Unit u = units.get(i * units.size() / Math.min(examples, units.size()));
                System.out.printf(Locale.ROOT, "  %s  class %s (precision %.2f)%n", u.feature(), u.truth().family(), u.truth().precision());
                for (Search s : search) {
                    var v = u.verdicts().get(s);
                    System.out.printf(Locale.ROOT, "    %-6s %s  sim %.2f: %s%n", s == Search.LEGACY ? "before" : "after", v.right() ? "right" : "wrong", v.simulation(), v.text());
                }
            }
        }
        return 0;
    }
}
