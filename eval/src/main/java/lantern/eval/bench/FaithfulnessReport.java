package lantern.eval.bench;

import lantern.explainer.explain.StatisticalExplainer.Search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Tables of a faithfulness run: by layer and by class, the fraction of ground-truth units each search gets right. */
public final class FaithfulnessReport {
    private FaithfulnessReport() {
    }

    /** Fraction of units whose verdict under {@code search} is right; NaN for none. */
    public static double rightFraction(List<FaithfulnessBench.Unit> units, Search search) {
        if (units.isEmpty()) return Double.NaN;
        return units.stream().filter(u -> u.verdicts().get(search).right()).count() / (double) units.size();
    }

    static double meanSimulation(List<FaithfulnessBench.Unit> units, Search search) {
        return units.stream().mapToDouble(u -> u.verdicts().get(search).simulation()).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN);
    }

    /**
     * @param scanned units looked at per layer (ground-truth or not)
     */
    public static String render(List<FaithfulnessBench.Unit> units, Map<Integer, Integer> scanned, List<Search> searches, int maxClasses) {
        StringBuilder b = new StringBuilder();
        b.append(table("layer", units, u -> Integer.toString(u.layer()), scanned, searches, Integer.MAX_VALUE));
        b.append('\n');
        b.append(table("class", units, u -> u.truth().family(), null, searches, maxClasses));
        return b.toString();
    }

    private static String table(String key, List<FaithfulnessBench.Unit> units, Function<FaithfulnessBench.Unit, String> by,
                                Map<Integer, Integer> scanned, List<Search> searches, int maxRows) {
        Map<String, List<FaithfulnessBench.Unit>> groups = new TreeMap<>(key.equals("layer")
                ? java.util.Comparator.comparingInt(Integer::parseInt) : java.util.Comparator.<String>naturalOrder());
        for (FaithfulnessBench.Unit u : units) groups.computeIfAbsent(by.apply(u), k -> new ArrayList<>()).add(u);
        List<Map.Entry<String, List<FaithfulnessBench.Unit>>> rows = new ArrayList<>(groups.entrySet());
        if (!key.equals("layer")) rows.sort((a, c) -> c.getValue().size() - a.getValue().size());
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-8s %8s %6s", key, scanned == null ? "" : "units", "truth"));
        for (Search s : searches) b.append(String.format(Locale.ROOT, "  %-9s %8s", name(s) + " right", "mean sim"));
        b.append('\n');
        int shown = 0;
        for (var e : rows) {
            if (shown++ >= maxRows) break;
            b.append(row(e.getKey(), e.getValue(), scanned == null ? null : scanned.get(Integer.parseInt(e.getKey())), searches));
        }
        b.append(row("all", units, scanned == null ? null : scanned.values().stream().mapToInt(Integer::intValue).sum(), searches));
        return b.toString();
    }

    private static String row(String label, List<FaithfulnessBench.Unit> units, Integer scanned, List<Search> searches) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-8s %8s %6d", label, scanned == null ? "" : scanned, units.size()));
        for (Search s : searches) {
            b.append(String.format(Locale.ROOT, "  %-9s %8s", pct(rightFraction(units, s)), num(meanSimulation(units, s))));
        }
        return b.append('\n').toString();
    }

    static String name(Search s) {
        return s == Search.LEGACY ? "before" : "after";
    }

    private static String pct(double f) {
        return Double.isNaN(f) ? "-" : String.format(Locale.ROOT, "%.2f", f);
    }

    private static String num(double f) {
        return Double.isNaN(f) ? "-" : String.format(Locale.ROOT, "%.3f", f);
    }
}
