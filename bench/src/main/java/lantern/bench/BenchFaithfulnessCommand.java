package lantern.bench;

import lantern.cli.DataOption;
import lantern.core.LayerSpec;
import lantern.eval.bench.FaithfulnessBench;
import lantern.eval.bench.FaithfulnessBench.Definition;
import lantern.eval.bench.FaithfulnessReport;
import lantern.collect.StoredCollection;
import lantern.explainer.explain.RecordSplitter;
import lantern.explainer.explain.StatisticalExplainer.Search;
import picocli.CommandLine;

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
 * their strongest activations on windows the explainer does not see; see {@link FaithfulnessBench} for the two
 * definitions), explained by each hypothesis search in one run; prints the fraction labelled with the right class
 * at simulation ≥ 0.5, by layer and by class, for MLP neurons and (with {@code --sae}) for an SAE's features.
 */
@CommandLine.Command(name = "faithfulness", mixinStandardHelpOptions = true,
        description = "Ground-truth benchmark: do statistical explanations name the tag class that dominates a unit?")
public class BenchFaithfulnessCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--model", defaultValue = "minilm-l6", description = "Model id (default: ${DEFAULT-VALUE}).")
    String model;

    @CommandLine.Option(names = "--name", defaultValue = "brown", description = "Collection name (default: ${DEFAULT-VALUE}).")
    String name;

    @CommandLine.Option(names = "--sae", description = "Also benchmark this collection of SAE features (e.g. sae-resid_post-k32-l3, made by 'lantern collect --sae').")
    String sae;

    @CommandLine.Option(names = "--layers", description = "Layers, e.g. 0-1 (default: every collected layer).")
    String layers;

    @CommandLine.Option(names = "--max-units", defaultValue = "0", description = "Units scanned per layer, the first ones (0: all).")
    int maxUnits;

    @CommandLine.Option(names = "--search", split = ",", defaultValue = "legacy,cv,graded",
            description = "Hypothesis searches to compare, oldest first: legacy, cv, graded (default: ${DEFAULT-VALUE}).")
    List<String> searches;

    @CommandLine.Option(names = "--examples", defaultValue = "5", description = "Units whose labels to print (default: ${DEFAULT-VALUE}).")
    int examples;

    @CommandLine.Option(names = "--misses", defaultValue = "0", description = "Misses of the last search to print, per definition (default: ${DEFAULT-VALUE}).")
    int misses;

    @CommandLine.Option(names = "--all-units", description = "Also explain every unit with each search and print the mean simulation score per layer.")
    boolean allUnits;

    @CommandLine.Option(names = "--verbalizer", description = "Also explain each ground-truth neuron with the verbalizer "
            + "explainer (self-report of its output direction; a decoder with a verbalizer per layer: lantern train verbalizer) "
            + "and print its row beside the statistical searches.")
    boolean verbalizer;

    @CommandLine.Mixin
    DataOption data = new DataOption();

    private record Run(List<FaithfulnessBench.Unit> units, Map<Integer, Integer> scanned) {
    }

    @Override
    public Integer call() {
        if (maxUnits < 0 || examples < 0 || misses < 0) throw new IllegalArgumentException("--max-units, --examples and --misses must be >= 0");
        List<Search> search = searches.stream().map(Search::parse).distinct().toList();
        var bench = new FaithfulnessBench(FaithfulnessBench.Settings.defaults(), RecordSplitter.defaults());
        var s = bench.settings();
        System.out.printf(Locale.ROOT, "ground truth, %s: one Brown tag family holds >= %.0f%% of the %d strongest activations on top windows outside the explain set;%n",
                Definition.PRECISION.label(), 100 * s.minPrecision(), s.k());
        System.out.printf(Locale.ROOT, "ground truth, %s: the same on top windows outside the explain and scoring sets, and the class separates%n"
                + "  every token's activation on those windows (AUC >= %.2f: a random token of the class out-fires a random other token);%n", Definition.DETECTOR.label(), s.minSeparation());
        System.out.printf(Locale.ROOT, "right: the rule names that class and its statistical simulation scores >= %.1f on held-out top + random windows%n", s.minSimulation());
        System.out.println("(class sim: the simulation score of the bare class rule on the same windows)");
        Run neurons = run(bench, name, search, false);
        print(neurons, search, s.minSimulation());
        if (allUnits) printAllUnits(bench, search);
        if (allUnits && verbalizer) {
            StoredCollection c = StoredCollection.open(data.path(), model, name);
            BenchVerbalizerRow.allUnits(data.path(), model, name, layers(c, false),
                    maxUnits == 0 ? c.manifest().width() : Math.min(maxUnits, c.manifest().width()));
        }
        if (examples > 0 && !neurons.units().isEmpty()) printExamples(neurons.units(), search);
        if (misses > 0) printMisses(neurons.units(), search.get(search.size() - 1), s.minSimulation());
        if (verbalizer) BenchVerbalizerRow.print(data.path(), model, name, neurons.units(), search, s.minSimulation(), examples);
        printSearchNdcg(neurons.units());
        if (sae != null) {
            System.out.println();
            Run features = run(bench, sae, search, true);
            print(features, search, s.minSimulation());
            if (misses > 0) printMisses(features.units(), search.get(search.size() - 1), s.minSimulation());
        }
        return 0;
    }

    private Run run(FaithfulnessBench bench, String collectionName, List<Search> search, boolean allLayers) {
        StoredCollection collection = StoredCollection.open(data.path(), model, collectionName);
        var m = collection.manifest();
        int[] ls = layers(collection, allLayers);
        int width = maxUnits == 0 ? m.width() : Math.min(maxUnits, m.width());
        System.out.printf(Locale.ROOT, "%nbench faithfulness: %s/%s (%,d tokens, top-%d windows), layers %s, %d units per layer%n",
                model, collectionName, m.tokens(), m.topK(), Arrays.toString(ls), width);
        long t0 = System.nanoTime();
        List<FaithfulnessBench.Unit> units = new ArrayList<>();
        Map<Integer, Integer> scanned = new TreeMap<>();
        for (int layer : ls) {
            List<FaithfulnessBench.Unit> found = IntStream.range(0, width).parallel()
                    .mapToObj(i -> bench.run(collection.records(layer, i), search)).flatMap(Optional::stream).toList();
            units.addAll(found);
            scanned.put(layer, width);
            System.out.printf(Locale.ROOT, "  layer %d: %d of %d units are ground-truth units under a definition (%.0f s so far)%n",
                    layer, found.size(), width, (System.nanoTime() - t0) / 1e9);
        }
        return new Run(units, scanned);
    }

    /** The --layers asked for, or every collected layer (always for the --sae collection: {@code all}). */
    private int[] layers(StoredCollection collection, boolean all) {
        var m = collection.manifest();
        if (layers == null || all) return m.layers().stream().mapToInt(Integer::intValue).toArray();
        int[] ls = LayerSpec.parse(layers, m.layers().stream().mapToInt(i -> i).max().orElse(0) + 1);
        for (int l : ls) if (!collection.hasLayer(l)) throw new IllegalArgumentException("layer " + l + " was not collected (have " + m.layers() + ")");
        return ls;
    }

    private static void print(Run run, List<Search> search, double minSimulation) {
        for (Definition d : Definition.values()) {
            System.out.printf(Locale.ROOT, "%nground truth: %s%n", d.label());
            System.out.print(new FaithfulnessReport(d, minSimulation, search).render(run.units(), run.scanned(), 12));
        }
    }

    private void printAllUnits(FaithfulnessBench bench, List<Search> search) {
        StoredCollection collection = StoredCollection.open(data.path(), model, name);
        int width = maxUnits == 0 ? collection.manifest().width() : Math.min(maxUnits, collection.manifest().width());
        System.out.println();
        System.out.printf(Locale.ROOT, "mean simulation score of every unit (statistical simulator, held-out top + random windows):%n%-6s %6s", "layer", "units");
        for (Search s : search) System.out.printf(Locale.ROOT, " %9s", FaithfulnessReport.name(s));
        System.out.println();
        for (int layer : layers(collection, false)) {
            List<double[]> sims = IntStream.range(0, width).parallel()
                    .mapToObj(i -> bench.simulations(collection.records(layer, i), search)).toList();
            System.out.printf(Locale.ROOT, "%-6d %6d", layer, width);
            for (int k = 0; k < search.size(); k++) {
                final int kk = k;
                System.out.printf(Locale.ROOT, " %9.3f", sims.stream().mapToDouble(d -> d[kk]).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN));
            }
            System.out.println();
        }
    }

    /**
     * nDCG@5 of search over the index's statistical labels of this model (an audit made them), one user query per
     * class with ground-truth units (detector units where the collection allows them, else precision units),
     * relevant: that class's units the index labelled; old ranking and class-aware ranking.
     */
    private void printSearchNdcg(List<FaithfulnessBench.Unit> units) {
        java.nio.file.Path dir = data.path().resolve("index");
        if (!java.nio.file.Files.isDirectory(dir)) {
            System.out.println("\nsearch nDCG@5: no index in " + dir + " (run an audit first)");
            return;
        }
        // detector units where the collection has windows to find them (top-K 80), else the precision definition's
        Definition d = units.stream().anyMatch(u -> u.truths().containsKey(Definition.DETECTOR)) ? Definition.DETECTOR : Definition.PRECISION;
        Map<String, java.util.Set<String>> relevant = new TreeMap<>();
        for (FaithfulnessBench.Unit u : units) {
            var t = u.truths().get(d);
            if (t != null) relevant.computeIfAbsent(t.family(), k -> new java.util.TreeSet<>()).add(u.feature());
        }
        List<lantern.eval.bench.SearchNdcg.QueryResult> results, broad;
        Map<String, java.util.Set<String>> classUnits;
        try (var index = lantern.index.FeatureIndex.openReadOnly(dir); var minilm = lantern.subject.bert.MiniLm.load()) {
            results = lantern.eval.bench.SearchNdcg.run(index, model, relevant, minilm::embed);
            classUnits = classUnits(index, searchPrecision);
            broad = lantern.eval.bench.SearchNdcg.run(index, model, classUnits, minilm::embed);
        }
        printNdcg(results, d.label() + " definition");
        printNdcg(broad, String.format(Locale.ROOT, "class units: one class holds >= %.0f%% of the 50 strongest held-out activations", 100 * searchPrecision));
    }

    @CommandLine.Option(names = "--search-precision", defaultValue = "0.6",
            description = "For the second search query set: a labelled unit is relevant to its class's query when that class holds at least this share of its 50 strongest held-out activations (default: ${DEFAULT-VALUE}).")
    double searchPrecision;

    /** The units the index labelled whose strongest held-out activations are mostly one class, by class. */
    private Map<String, java.util.Set<String>> classUnits(lantern.index.FeatureIndex index, double precision) {
        StoredCollection collection = StoredCollection.open(data.path(), model, name);
        var loose = new FaithfulnessBench(new FaithfulnessBench.Settings(50, precision, 3, 0.5, 0.9), RecordSplitter.defaults());
        Map<String, java.util.Set<String>> out = new TreeMap<>();
        for (int layer : layers(collection, false)) {
            List<String> ids = IntStream.range(0, collection.manifest().width())
                    .mapToObj(i -> lantern.api.FeatureId.mlp(model, layer, i).toString()).toList();
            for (String id : index.explanationsFor(ids).keySet()) {
                var records = collection.records(layer, lantern.api.FeatureId.parse(id).index());
                if (records.top().isEmpty()) continue;
                loose.truth(records, RecordSplitter.defaults().split(records), Definition.PRECISION)
                        .ifPresent(t -> out.computeIfAbsent(t.family(), k -> new java.util.TreeSet<>()).add(id));
            }
        }
        return out;
    }

    private void printNdcg(List<lantern.eval.bench.SearchNdcg.QueryResult> results, String relevance) {
        var rankings = lantern.index.FeatureIndex.Ranking.values();
        System.out.printf(Locale.ROOT, "%nsearch nDCG@%d over the index's statistical labels of %s: one user query per class with relevant units%n"
                + "(relevant: that class's labelled units, %s; %s = relevance x (1 + 0.05 x lower bound), %s = class-aware)%n",
                lantern.eval.bench.SearchNdcg.K, model, relevance, rankings[0], rankings[1]);
        System.out.printf(Locale.ROOT, "%-6s %-40s %8s %18s %12s%n", "class", "query", "relevant", rankings[0], rankings[1]);
        for (var r : results) {
            System.out.printf(Locale.ROOT, "%-6s %-40s %8d %18.3f %12.3f%n", r.tag(), "\"" + r.query() + "\"", r.relevant(),
                    r.ndcg().get(rankings[0]), r.ndcg().get(rankings[1]));
        }
        System.out.printf(Locale.ROOT, "%-6s %-40s %8s %18.3f %12.3f%n", "mean", results.size() + " queries", "",
                lantern.eval.bench.SearchNdcg.mean(results, rankings[0]), lantern.eval.bench.SearchNdcg.mean(results, rankings[1]));
    }

    private void printExamples(List<FaithfulnessBench.Unit> units, List<Search> search) {
        System.out.println();
        int n = Math.min(examples, units.size());
        for (int i = 0; i < n; i++) {
            FaithfulnessBench.Unit u = units.get(i * units.size() / n);
            var t = u.truths().values().iterator().next();
            System.out.printf(Locale.ROOT, "  %s  class %s (precision %.2f, separation %.2f, %s)%n", u.feature(), t.family(), t.precision(), t.separation(), u.truths().keySet());
            for (Search s : search) {
                var v = u.verdicts().get(s);
                System.out.printf(Locale.ROOT, "    %-6s %s  sim %.2f: %s%n", FaithfulnessReport.name(s), u.namesClass(s, u.truths().keySet().iterator().next()) ? "names it" : "other", v.simulation(), v.text());
            }
        }
    }

    private void printMisses(List<FaithfulnessBench.Unit> units, Search s, double minSimulation) {
        for (Definition d : Definition.values()) {
            List<FaithfulnessBench.Unit> missed = units.stream().filter(u -> u.truths().containsKey(d) && !u.right(s, d, minSimulation)).toList();
            System.out.printf(Locale.ROOT, "%nmisses of %s, %s: %d%n", FaithfulnessReport.name(s), d.label(), missed.size());
            int n = Math.min(misses, missed.size());
            for (int i = 0; i < n; i++) {
                FaithfulnessBench.Unit u = missed.get(i * missed.size() / n);
                var t = u.truths().get(d);
                var v = u.verdicts().get(s);
                System.out.printf(Locale.ROOT, "  %-22s %-5s prec %.2f sep %.2f | class sim %5.2f | chosen sim %5.2f: %s%n",
                        u.feature(), t.family(), t.precision(), t.separation(), u.classSimulation(), v.simulation(), v.text());
            }
        }
    }
}
