package lantern.eval.bench;

import lantern.eval.score.SimulationScorer;
import lantern.eval.score.RocAuc;
import lantern.api.ActivationRecord;
import lantern.api.FeatureRecords;
import lantern.corpus.TagFamilies;
import lantern.explainer.explain.Explanation;
import lantern.explainer.explain.RecordSplit;
import lantern.explainer.explain.RecordSplitter;
import lantern.explainer.explain.Rule;
import lantern.explainer.explain.StatisticalExplainer;
import lantern.llm.LlmUsage;
import lantern.explainer.simulate.StatisticalSimulator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A ground-truth faithfulness benchmark built from the tagged corpus. Ground truth comes from windows the explainer
 * does not see, under one of two definitions ({@link Definition}):
 * <ul>
 *   <li>{@link Definition#PRECISION} (the issue's): over the top windows outside the explain set, the {@code k}
 *       strongest token activations fall on tokens of Brown tag family C at a precision of at least
 *       {@code minPrecision} (on at least {@code minTypes} distinct tokens, so a one-word unit is not called a class;
 *       punctuation classes, one mark each, are exempt);</li>
 *   <li>{@link Definition#DETECTOR}: a detector of C needs precision and breadth. The same precision test runs on
 *       top windows outside both the explain and the scoring set (ranks below both, so the windows that choose a
 *       unit never score it), and C must also separate the unit's activations over every token of those windows:
 *       the probability that a random token of C out-fires a random other token (ROC AUC) is at least
 *       {@code minSeparation}. A unit that fires on 'state', 'city' and 'county' but not on other nouns passes the
 *       precision test for singular nouns and fails this one; a noun detector passes both.</li>
 * </ul>
 * Each hypothesis search explains the unit from the explain set alone; the explanation is right for class C when
 * its rule names C (a conjunction or graded rule that requires C counts; so does a list of C's marks for
 * punctuation) and its statistical simulation scores at least {@code minSimulation} on the held-out top and random
 * windows.
 */
public final class FaithfulnessBench {
    public record Settings(int k, double minPrecision, int minTypes, double minSimulation, double minSeparation) {
        public static Settings defaults() {
            return new Settings(50, 0.9, 3, 0.5, 0.9);
        }
    }

    public enum Definition {
        /** precision@k over the top windows outside the explain set (the definition) */
        PRECISION,
        /** precision@k and separation (AUC) over top windows outside the explain and scoring sets */
        DETECTOR;

        public String label() {
            return this == PRECISION ? "precision (issue's definition)" : "class detector (precision and separation)";
        }
    }

    /**
     * A unit's ground truth: its class, the precision of that class over its strongest selection tokens, and how
     * well the class separates all selection tokens' activations (AUC; NaN when not measured).
     */
    public record Truth(String family, double precision, int n, double separation) {
    }

    /** One search's explanation of a unit. */
    public record Verdict(String text, Rule rule, double simulation) {
    }

    /**
     * @param truths          the unit's ground truth under each definition it passes
     * @param classSimulation the simulation score of the bare class rule ("every token of C") on the scoring windows
     */
    public record Unit(String feature, int layer, Map<Definition, Truth> truths, Map<StatisticalExplainer.Search, Verdict> verdicts,
                       double classSimulation) {
        public boolean namesClass(StatisticalExplainer.Search search, Definition d) {
            Truth t = truths.get(d);
            return t != null && FaithfulnessBench.namesClass(verdicts.get(search).rule(), t.family());
        }

        public boolean right(StatisticalExplainer.Search search, Definition d, double minSimulation) {
            return namesClass(search, d) && verdicts.get(search).simulation() >= minSimulation;
        }
    }

    private final Settings settings;
    private final RecordSplitter splitter;

    public FaithfulnessBench(Settings settings, RecordSplitter splitter) {
        this.settings = settings;
        this.splitter = splitter;
    }

    public Settings settings() {
        return settings;
    }

    /** The ground truth of a unit under one definition, or empty when it is none of that definition's units. */
    public Optional<Truth> truth(FeatureRecords records, RecordSplit split, Definition definition) {
        Set<ActivationRecord> excluded = new HashSet<>(split.explain());
        if (definition == Definition.DETECTOR) {
            excluded.addAll(split.heldOutTop());
            excluded.addAll(split.random());
        }
        List<ActivationRecord> selection = records.top().stream().filter(r -> !excluded.contains(r)).toList();
        record Tok(String token, String family, float act) {
        }
        List<Tok> toks = new ArrayList<>();
        for (ActivationRecord r : selection) {
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
        double separation = separation(selection, best.getKey());
        if (definition == Definition.DETECTOR && !(separation >= settings.minSeparation())) return Optional.empty();
        return Optional.of(new Truth(best.getKey(), precision, settings.k(), separation));
    }

    /**
     * ROC AUC of "the token's tag family is {@code family}" as a predictor of its activation, over every tagged token
     * of the windows: the probability that a random token of the class out-fires a random other token (ties count
     * half). NaN when one side is empty.
     */
    static double separation(List<ActivationRecord> windows, String family) {
        List<Double> in = new ArrayList<>(), out = new ArrayList<>();
        for (ActivationRecord r : windows) {
            for (int i = 0; i < r.size(); i++) {
                String f = Rule.tagAt(r, i);
                if (f != null) (f.equals(family) ? in : out).add((double) r.activations()[i]);
            }
        }
        return RocAuc.of(in.stream().mapToDouble(Double::doubleValue).toArray(), out.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Runs every search on one unit; empty when it is a ground-truth unit under none of the definitions. */
    public Optional<Unit> run(FeatureRecords records, List<StatisticalExplainer.Search> searches) {
        if (records.top().isEmpty()) return Optional.empty();
        RecordSplit split = splitter.split(records);
        Map<Definition, Truth> truths = new EnumMap<>(Definition.class);
        for (Definition d : Definition.values()) truth(records, split, d).ifPresent(t -> truths.put(d, t));
        if (truths.isEmpty()) return Optional.empty();
        Map<StatisticalExplainer.Search, Verdict> verdicts = new EnumMap<>(StatisticalExplainer.Search.class);
        for (StatisticalExplainer.Search s : searches) {
            Explanation e = new StatisticalExplainer(s).explain(split);
            verdicts.put(s, new Verdict(e.text(), e.rule(), simulation(e, split)));
        }
        String family = truths.values().iterator().next().family();
        double classSim = simulation(new Explanation(family, StatisticalExplainer.NAME, Rule.tag(family), Double.NaN, LlmUsage.NONE), split);
        return Optional.of(new Unit(records.id().toString(), records.id().layer(), new LinkedHashMap<>(truths), verdicts, classSim));
    }

    private static double simulation(Explanation e, RecordSplit split) {
        return new SimulationScorer().score(e, split, new StatisticalSimulator()).score().correlation();
    }

    /** The statistical simulation score of each search's explanation of any unit (NaN where undefined). */
    public double[] simulations(FeatureRecords records, List<StatisticalExplainer.Search> searches) {
        double[] out = new double[searches.size()];
        java.util.Arrays.fill(out, Double.NaN);
        if (records.top().isEmpty()) return out;
        RecordSplit split = splitter.split(records);
        for (int i = 0; i < out.length; i++) out[i] = simulation(new StatisticalExplainer(searches.get(i)).explain(split), split);
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
