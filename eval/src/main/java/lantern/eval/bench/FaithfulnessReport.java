package lantern.eval.bench;

import lantern.eval.bench.FaithfulnessBench.Definition;
import lantern.eval.bench.FaithfulnessBench.Unit;
import lantern.explainer.explain.StatisticalExplainer.Search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Tables of a faithfulness run under one ground-truth definition: by layer and by class, the fraction of
 * ground-truth units each search gets right, and the mean simulation score of its explanations of them.
 */
public final class FaithfulnessReport {
    private final Definition definition;
    private final double minSimulation;
    private final List<Search> searches;

    public FaithfulnessReport(Definition definition, double minSimulation, List<Search> searches) {
        this.definition = definition;
        this.minSimulation = minSimulation;
        this.searches = List.copyOf(searches);
    }

    /** The units that are ground-truth units under this report's definition. */
    public List<Unit> units(List<Unit> all) {
        return all.stream().filter(u -> u.truths().containsKey(definition)).toList();
    }

    /** Fraction of this definition's units whose verdict under {@code search} is right; NaN for none. */
    public double rightFraction(List<Unit> all, Search search) {
        List<Unit> units = units(all);
        if (units.isEmpty()) return Double.NaN;
        return units.stream().filter(u -> u.right(search, definition, minSimulation)).count() / (double) units.size();
    }

    private static double meanSimulation(List<Unit> units, Search search) {
        return units.stream().mapToDouble(u -> u.verdicts().get(search).simulation()).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN);
    }

    /**
     * @param scanned units looked at per layer (ground-truth or not)
     */
    public String render(List<Unit> all, Map<Integer, Integer> scanned, int maxClasses) {
        List<Unit> units = units(all);
        StringBuilder b = new StringBuilder();
        b.append(table("layer", units, u -> Integer.toString(u.layer()), scanned, Integer.MAX_VALUE));
        b.append('\n');
        b.append(table("class", units, u -> u.truths().get(definition).family(), null, maxClasses));
        return b.toString();
    }

    private String table(String key, List<Unit> units, Function<Unit, String> by, Map<Integer, Integer> scanned, int maxRows) {
        Map<String, List<Unit>> groups = new TreeMap<>(key.equals("layer")
                ? Comparator.comparingInt(Integer::parseInt) : Comparator.<String>naturalOrder());
        for (Unit u : units) groups.computeIfAbsent(by.apply(u), k -> new ArrayList<>()).add(u);
        List<Map.Entry<String, List<Unit>>> rows = new ArrayList<>(groups.entrySet());
        if (!key.equals("layer")) rows.sort((a, c) -> c.getValue().size() - a.getValue().size());
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-8s %8s %6s", key, scanned == null ? "" : "units", "truth"));
        for (Search s : searches) b.append(String.format(Locale.ROOT, "  %-12s %8s", name(s) + " right", "mean sim"));
        b.append(String.format(Locale.ROOT, "  %9s%n", "class sim"));
        int shown = 0;
        for (var e : rows) {
            if (shown++ >= maxRows) break;
            b.append(row(e.getKey(), e.getValue(), scanned == null ? null : scanned.get(Integer.parseInt(e.getKey()))));
        }
        b.append(row("all", units, scanned == null ? null : scanned.values().stream().mapToInt(Integer::intValue).sum()));
        return b.toString();
    }

    private String row(String label, List<Unit> units, Integer scanned) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-8s %8s %6d", label, scanned == null ? "" : scanned, units.size()));
        for (Search s : searches) {
            double right = units.isEmpty() ? Double.NaN
                    : units.stream().filter(u -> u.right(s, definition, minSimulation)).count() / (double) units.size();
            b.append(String.format(Locale.ROOT, "  %-12s %8s", pct(right), num(meanSimulation(units, s))));
        }
        double classSim = units.stream().mapToDouble(Unit::classSimulation).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN);
        return b.append(String.format(Locale.ROOT, "  %9s%n", num(classSim))).toString();
    }

    public static String name(Search s) {
        return s.shortName();
    }

    private static String pct(double f) {
        return Double.isNaN(f) ? "-" : String.format(Locale.ROOT, "%.2f", f);
    }

    private static String num(double f) {
        return Double.isNaN(f) ? "-" : String.format(Locale.ROOT, "%.3f", f);
    }
}
