package lantern.eval.bench;

import lantern.eval.score.SimulationScorer;
import lantern.explainer.ActivationRecord;
import lantern.explainer.FeatureRecords;
import lantern.explainer.corpus.TagFamilies;
import lantern.explainer.explain.Explanation;
import lantern.explainer.explain.RecordSplit;
import lantern.explainer.explain.RecordSplitter;
import lantern.explainer.explain.Rule;
import lantern.explainer.explain.StatisticalExplainer;
import lantern.explainer.simulate.StatisticalSimulator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A ground-truth faithfulness benchmark built from the tagged corpus. A unit is a ground-truth unit of class C when,
 * over the top windows the explainer does not see, the {@code k} strongest token activations fall on tokens of
 * Brown tag family C at a precision of at least {@code minPrecision} (and on at least {@code minTypes} distinct
 * tokens, so a one-word unit is not called a class; punctuation classes, one mark each, are exempt). Each
 * hypothesis search then explains the unit from the explain set alone, and the explanation counts as right when
 * its rule names C (a conjunction that requires C counts; so does a list of C's marks for punctuation) and its
 * statistical simulation scores at least {@code minSimulation} on the held-out top and random windows.
 */
public final class FaithfulnessBench {
    public record Settings(int k, double minPrecision, int minTypes, double minSimulation) {
        public static Settings defaults() {
            return new Settings(50, 0.9, 3, 0.5);
        }
    }

    /** A unit's ground truth: its class and the precision of that class over its strongest held-out tokens. */
    public record Truth(String family, double precision, int n) {
    }

    /** One search's explanation of a ground-truth unit. */
    public record Verdict(String text, Rule rule, double simulation, boolean namesClass, boolean right) {
    }

    public record Unit(String feature, int layer, Truth truth, Map<StatisticalExplainer.Search, Verdict> verdicts) {
    }

    private final Settings settings;
    private final RecordSplitter splitter;

    public FaithfulnessBench(Settings settings, RecordSplitter splitter) {
        this.settings = settings;
        this.splitter = splitter;
    }

    /** The ground truth of a unit, or empty when its strongest held-out activations are not dominated by one class. */
    public Optional<Truth> truth(FeatureRecords records, RecordSplit split) {
        Set<ActivationRecord> seen = new HashSet<>(split.explain());
        record Tok(String token, String family, float act) {
        }
        List<Tok> toks = new ArrayList<>();
        for (ActivationRecord r : records.top()) {
            if (seen.contains(r)) continue;
            for (int i = 0; i < r.size(); i++) {
                if (r.activations()[i] <= 0) continue;
                String f = Rule.tagAt(r, i);
                if (f != null) toks.add(new Tok(Rule.norm(r.tokens().get(i)), f, r.activations()[i]));
            }
        }
        if (toks.size() < settings.k()) return Optional.empty();
        toks.sort(Comparator.comparingDouble(t -> -t.act()));
        List<Tok> top = toks.subList(0, settings.k());
        Map<String, Integer> counts = new HashMap<>();
        for (Tok t : top) counts.merge(t.family(), 1, Integer::sum);
        var best = counts.entrySet().stream().max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey())).orElseThrow();
        double precision = best.getValue() / (double) settings.k();
        if (precision < settings.minPrecision()) return Optional.empty();
        Set<String> types = new HashSet<>();
        for (Tok t : top) if (t.family().equals(best.getKey())) types.add(t.token());
        if (types.size() < settings.minTypes() && !TagFamilies.isPunctuation(best.getKey())) return Optional.empty();
        return Optional.of(new Truth(best.getKey(), precision, settings.k()));
    }

    /** Runs every search on one unit; empty when it is no ground-truth unit. */
    public Optional<Unit> run(FeatureRecords records, List<StatisticalExplainer.Search> searches) {
        if (records.top().isEmpty()) return Optional.empty();
        RecordSplit split = splitter.split(records);
        Optional<Truth> truth = truth(records, split);
        if (truth.isEmpty()) return Optional.empty();
        Map<StatisticalExplainer.Search, Verdict> verdicts = new java.util.EnumMap<>(StatisticalExplainer.Search.class);
        for (StatisticalExplainer.Search s : searches) {
            Explanation e = new StatisticalExplainer(s).explain(split);
            double sim = new SimulationScorer().score(e, split, new StatisticalSimulator()).score().correlation();
            boolean names = namesClass(e.rule(), truth.get().family());
            verdicts.put(s, new Verdict(e.text(), e.rule(), sim, names, names && sim >= settings.minSimulation()));
        }
        return Optional.of(new Unit(records.id().toString(), records.id().layer(), truth.get(), verdicts));
    }

    /** The statistical simulation score of each search's explanation of any unit (NaN where undefined). */
    public double[] simulations(FeatureRecords records, List<StatisticalExplainer.Search> searches) {
        double[] out = new double[searches.size()];
        java.util.Arrays.fill(out, Double.NaN);
        if (records.top().isEmpty()) return out;
        RecordSplit split = splitter.split(records);
        for (int i = 0; i < out.length; i++) {
            Explanation e = new StatisticalExplainer(searches.get(i)).explain(split);
            out[i] = new SimulationScorer().score(e, split, new StatisticalSimulator()).score().correlation();
        }
        return out;
    }

    /** Whether a rule names the class: it requires the tag, or (punctuation) lists only that class's marks. */
    static boolean namesClass(Rule rule, String family) {
        if (rule == null) return false;
        if (rule.namesTag(family)) return true;
        if (rule.kind() == Rule.Kind.TOKEN && TagFamilies.isPunctuation(family)) {
            return rule.values().stream().allMatch(v -> TagFamilies.punctuationOf(v).equals(family));
        }
        return false;
    }
}
