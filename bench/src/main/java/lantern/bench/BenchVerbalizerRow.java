package lantern.bench;

import lantern.eval.bench.FaithfulnessBench;
import lantern.eval.bench.FaithfulnessBench.Definition;
import lantern.eval.bench.FaithfulnessReport;
import lantern.eval.bench.VerbalizerRow;
import lantern.api.FeatureId;
import lantern.collect.StoredCollection;
import lantern.explainer.explain.RecordSplitter;
import lantern.explainer.explain.StatisticalExplainer.Search;
import lantern.explainer.selfreport.VerbalizerExplainers;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code lantern bench faithfulness --verbalizer}: the self-report row beside the statistical searches. */
final class BenchVerbalizerRow {
    private BenchVerbalizerRow() {
    }

    static void print(Path data, String model, String name, List<FaithfulnessBench.Unit> units, List<Search> searches,
                      double minSimulation, int examples) {
        StoredCollection collection = StoredCollection.open(data, model, name);
        Map<String, VerbalizerRow.Verdict> verdicts = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try (DecoderModel d = DecoderModels.load(model, data);
             VerbalizerExplainers v = new VerbalizerExplainers(data, d, () -> null)) {
            for (FaithfulnessBench.Unit u : units) {
                FeatureId id = FeatureId.parse(u.feature());
                var records = collection.records(id.layer(), id.index());
                verdicts.put(u.feature(), VerbalizerRow.of(v.forFeature(id), RecordSplitter.defaults().split(records)));
            }
        }
        System.out.printf(Locale.ROOT, "%nself-report row: the verbalizer explainer on the same ground-truth neurons (%d units, %.0f s)%n"
                + "(label: the token the verbalized output direction ends on; names the class: that token's commonest tag in the explain windows)%n",
                verdicts.size(), (System.nanoTime() - t0) / 1e9);
        for (Definition def : Definition.values()) {
            System.out.printf(Locale.ROOT, "%nground truth: %s%n%-12s %6s %13s %7s %9s%n", def.label(), "explainer", "units",
                    "names class", "right", "mean sim");
            for (Search s : searches) {
                int n = 0, named = 0, right = 0;
                double sim = 0;
                int simN = 0;
                for (FaithfulnessBench.Unit u : units) {
                    if (!u.truths().containsKey(def)) continue;
                    n++;
                    if (u.namesClass(s, def)) named++;
                    if (u.right(s, def, minSimulation)) right++;
                    double x = u.verdicts().get(s).simulation();
                    if (!Double.isNaN(x)) {
                        sim += x;
                        simN++;
                    }
                }
                row(FaithfulnessReport.name(s), n, named, right, simN == 0 ? Double.NaN : sim / simN);
            }
            VerbalizerRow.Tally t = VerbalizerRow.tally(units, verdicts, def, minSimulation);
            row("verbalizer", t.units(), t.named(), t.right(), t.meanSimulation());
        }
        int shown = 0;
        System.out.println();
        for (FaithfulnessBench.Unit u : units) {
            if (shown++ >= examples) break;
            var t = u.truths().values().iterator().next();
            var v = verdicts.get(u.feature());
            System.out.printf(Locale.ROOT, "  %-24s class %-5s | verbalizer (%s, sim %.2f): %s%n", u.feature(), t.family(),
                    v.family() == null ? "token unseen" : "tag " + v.family(), v.simulation(), v.text());
        }
    }

    /** Mean statistical simulation of the verbalizer's label over every unit, per layer (as --all-units does). */
    static void allUnits(Path data, String model, String name, int[] layers, int width) {
        StoredCollection collection = StoredCollection.open(data, model, name);
        System.out.printf(Locale.ROOT, "%nmean simulation of every unit, verbalizer explainer (statistical simulator, same windows):%n"
                + "%-6s %6s %10s %6s %8s%n", "layer", "units", "verbalizer", "seen", "seconds");
        try (DecoderModel d = DecoderModels.load(model, data);
             VerbalizerExplainers v = new VerbalizerExplainers(data, d, () -> null)) {
            for (int layer : layers) {
                long t0 = System.nanoTime();
                double sum = 0;
                int n = 0, seen = 0;
                for (int i = 0; i < width; i++) {
                    var records = collection.records(layer, i);
                    if (records.top().isEmpty()) continue;
                    var verdict = VerbalizerRow.of(v.forFeature(FeatureId.mlp(model, layer, i)), RecordSplitter.defaults().split(records));
                    if (verdict.family() != null) seen++;
                    if (!Double.isNaN(verdict.simulation())) {
                        sum += verdict.simulation();
                        n++;
                    }
                }
                System.out.printf(Locale.ROOT, "%-6d %6d %10.3f %6d %8.0f%n", layer, width, n == 0 ? Double.NaN : sum / n, seen,
                        (System.nanoTime() - t0) / 1e9);
            }
        }
        System.out.println("(seen: units whose label's token occurs in their explain windows)");
    }

    private static void row(String name, int n, int named, int right, double sim) {
        System.out.printf(Locale.ROOT, "%-12s %6d %6d (%3.0f%%) %7d %9.3f%n", name, n, named, n == 0 ? 0 : 100.0 * named / n,
                right, sim);
    }
}
