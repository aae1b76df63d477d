package lantern.eval.bench;

import lantern.eval.score.SimulationScorer;
import lantern.api.ActivationRecord;
import lantern.explainer.explain.Explainer;
import lantern.explainer.explain.Explanation;
import lantern.explainer.explain.RecordSplit;
import lantern.explainer.explain.Rule;
import lantern.explainer.simulate.StatisticalSimulator;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The faithfulness bench's self-report row: a ground-truth unit explained by the verbalizer explainer
 * ({@code lantern.explainer.selfreport.VerbalizerExplainer}: the token its verbalized direction ends on). Its label
 * names the unit's class when that token's commonest Brown tag family in the unit's explain windows (the only
 * windows an explainer may read) is the class; it is right, as a statistical label is, when it names the class and
 * its statistical simulation scores at least the bench's minimum on the held-out top and random windows.
 */
public final class VerbalizerRow {
    private VerbalizerRow() {
    }

    /**
     * @param family the tag family the label's tokens carry most often in the explain windows; null when they never
     *               occur there
     */
    public record Verdict(String text, Rule rule, double simulation, String family) {
        public boolean namesClass(String truth) {
            return family != null && family.equals(truth);
        }
    }

    /** Tally over one definition's ground-truth units that have a verdict. */
    public record Tally(int units, int named, int right, double meanSimulation) {
    }

    public static Verdict of(Explainer explainer, RecordSplit split) {
        Explanation e = explainer.explain(split);
        double sim = e.rule() == null ? Double.NaN
                : new SimulationScorer().score(e, split, new StatisticalSimulator()).score().correlation();
        return new Verdict(e.text(), e.rule(), sim, familyOf(e.rule(), split.explain()));
    }

    /** The commonest tag family of the tokens a token rule names, over the windows (ties: alphabetical first). */
    public static String familyOf(Rule rule, List<ActivationRecord> windows) {
        if (rule == null || rule.kind() != Rule.Kind.TOKEN) return null;
        Map<String, Integer> counts = new TreeMap<>();
        for (ActivationRecord r : windows) {
            for (int i = 0; i < r.size(); i++) {
                if (!rule.values().contains(Rule.norm(r.tokens().get(i)))) continue;
                String f = Rule.tagAt(r, i);
                if (f != null) counts.merge(f, 1, Integer::sum);
            }
        }
        String best = null;
        for (var e : counts.entrySet()) if (best == null || e.getValue() > counts.get(best)) best = e.getKey();
        return best;
    }

    /** How many units the verbalizer's labels name, how many they get right, and their mean simulation. */
    public static Tally tally(List<FaithfulnessBench.Unit> units, Map<String, Verdict> verdicts,
                              FaithfulnessBench.Definition d, double minSimulation) {
        int n = 0, named = 0, right = 0, simN = 0;
        double sim = 0;
        for (FaithfulnessBench.Unit u : units) {
            FaithfulnessBench.Truth t = u.truths().get(d);
            Verdict v = verdicts.get(u.feature());
            if (t == null || v == null) continue;
            n++;
            boolean names = v.namesClass(t.family());
            if (names) named++;
            if (names && v.simulation() >= minSimulation) right++;
            if (!Double.isNaN(v.simulation())) {
                sim += v.simulation();
                simN++;
            }
        }
        return new Tally(n, named, right, simN == 0 ? Double.NaN : sim / simN);
    }
}
