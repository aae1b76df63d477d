package lantern.eval.bench;

import lantern.eval.score.RocAuc;
import lantern.eval.score.SimulationScorer;
import lantern.api.ActivationRecord;
import lantern.api.FeatureRecords;
import lantern.corpus.ChineseText;
import lantern.explainer.explain.ChineseStatisticalExplainer;
import lantern.explainer.explain.Explanation;
import lantern.explainer.explain.RecordSplit;
import lantern.explainer.explain.RecordSplitter;
import lantern.explainer.explain.Rule;
import lantern.explainer.simulate.StatisticalSimulator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Ground-truth faithfulness on a Chinese corpus. A unit's truth is read from top windows the explainer never sees
 * (ranked below both the explain and the scoring set), from the corpus's structure tags and characters alone:
 * <ul>
 *   <li>a <b>place</b> unit: one structure predicate (line end = rhyme position, line start, punctuation) holds for at
 *       least {@code minPrecision} of the {@code k} strongest activations there and separates every token's activation
 *       on those windows (ROC AUC ≥ {@code minSeparation});</li>
 *   <li>a <b>character set</b> unit: at most {@code maxSet} distinct characters take at least {@code minPrecision} of
 *       the {@code k} strongest activations.</li>
 * </ul>
 * The Chinese statistical explainer labels the unit from the explain set; the label is right when its rule names the
 * place (a conjunction that requires it counts) or lists characters covering the set's share, and its statistical
 * simulation scores at least {@code minSimulation} on the held-out top and random windows.
 */
public final class ChineseFaithfulnessBench {
    public static final List<String> PLACES = List.of("END", "START", "PUNCT");

    public record Settings(int k, double minPrecision, double minSeparation, int maxSet, double minSimulation) {
        public static Settings defaults() {
            return new Settings(30, 0.8, 0.9, 3, 0.5);
        }
    }

    /** The truth: {@code kind} "place" with a predicate, or "characters" with the set. */
    public record Truth(String kind, String value, double precision) {
    }

    public record Unit(String feature, int layer, Truth truth, String label, Rule rule, double simulation, boolean named) {
        public boolean right(double minSimulation) {
            return named && simulation >= minSimulation;
        }
    }

    private final Settings settings;
    private final RecordSplitter splitter;

    public ChineseFaithfulnessBench(Settings settings, RecordSplitter splitter) {
        this.settings = settings;
        this.splitter = splitter;
    }

    public Settings settings() {
        return settings;
    }

    /** Explains and judges one unit; empty when it is no ground-truth unit (or has too few unseen windows). */
    public Optional<Unit> run(FeatureRecords records) {
        if (records.top().isEmpty()) return Optional.empty();
        RecordSplit split = splitter.split(records);
        Set<ActivationRecord> seen = new HashSet<>(split.explain());
        seen.addAll(split.heldOutTop());
        seen.addAll(split.random());
        List<ActivationRecord> unseen = records.top().stream().filter(r -> !seen.contains(r)).toList();
        Optional<Truth> truth = truth(unseen);
        if (truth.isEmpty()) return Optional.empty();
        Explanation e = new ChineseStatisticalExplainer().explain(split);
        double sim = new SimulationScorer().score(e, split, new StatisticalSimulator()).score().correlation();
        return Optional.of(new Unit(records.id().toString(), records.id().layer(), truth.get(), e.text(), e.rule(), sim,
                names(e.rule(), truth.get())));
    }

    Optional<Truth> truth(List<ActivationRecord> windows) {
        record Tok(String token, ChineseText.Structure s, float act) {
        }
        List<Tok> toks = new ArrayList<>();
        for (ActivationRecord r : windows) {
            for (int i = 0; i < r.size(); i++) {
                ChineseText.Structure s = ChineseText.Structure.parse(Rule.tagAt(r, i));
                if (s != null && r.activations()[i] > 0) toks.add(new Tok(r.tokens().get(i), s, r.activations()[i]));
            }
        }
        if (toks.size() < settings.k()) return Optional.empty();
        toks.sort(Comparator.comparingDouble(t -> -t.act()));
        List<Tok> top = toks.subList(0, settings.k());
        for (String p : PLACES) {
            long hits = top.stream().filter(t -> t.s().matches(p)).count();
            double precision = hits / (double) settings.k();
            if (precision >= settings.minPrecision() && separation(windows, p) >= settings.minSeparation()) {
                return Optional.of(new Truth("place", p, precision));
            }
        }
        Map<String, Integer> counts = new HashMap<>();
        for (Tok t : top) counts.merge(t.token(), 1, Integer::sum);
        List<Map.Entry<String, Integer>> ranked = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey())).toList();
        int covered = 0;
        Set<String> set = new LinkedHashSet<>();
        for (var en : ranked) {
            if (set.size() >= settings.maxSet()) break;
            set.add(en.getKey());
            covered += en.getValue();
            if (covered >= settings.minPrecision() * settings.k()) {
                return Optional.of(new Truth("characters", String.join("", set), covered / (double) settings.k()));
            }
        }
        return Optional.empty();
    }

    /** ROC AUC of "the token satisfies the predicate" as a predictor of its activation over every tagged token. */
    static double separation(List<ActivationRecord> windows, String predicate) {
        List<Double> in = new ArrayList<>(), out = new ArrayList<>();
        for (ActivationRecord r : windows) {
            for (int i = 0; i < r.size(); i++) {
                ChineseText.Structure s = ChineseText.Structure.parse(Rule.tagAt(r, i));
                if (s != null) (s.matches(predicate) ? in : out).add((double) r.activations()[i]);
            }
        }
        return RocAuc.of(in.stream().mapToDouble(Double::doubleValue).toArray(), out.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Whether a rule names the truth: it requires the place, or its characters include the whole set. */
    static boolean names(Rule rule, Truth truth) {
        if (rule == null) return false;
        for (Rule r = rule; r != null; r = r.and()) {
            if (truth.kind().equals("place") && r.kind() == Rule.Kind.TAG
                    && r.values().get(0).equalsIgnoreCase(ChineseText.PREDICATE_PREFIX + truth.value())) return true;
            if (truth.kind().equals("characters") && r.kind() == Rule.Kind.TOKEN
                    && r.values().containsAll(truth.value().codePoints().mapToObj(Character::toString).toList())) return true;
        }
        return false;
    }
}
