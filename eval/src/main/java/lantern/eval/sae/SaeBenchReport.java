package lantern.eval.sae;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Markdown tables of {@code lantern bench sae}: recovery on synthetic data, k-sparse probing, absorption. */
public final class SaeBenchReport {
    private SaeBenchReport() {
    }

    public static String synthetic(SyntheticRecoveryBench.Result r) {
        SyntheticRecoveryBench.Options o = r.options();
        SyntheticFeatures.Config c = o.model();
        StringBuilder sb = new StringBuilder();
        sb.append(f("Synthetic model: %,d features in %d dimensions (mean |cos| between directions %.3f), %d of them in %d hierarchy trees"
                        + " (branching %d, depth %d), rank-%d copula at %.2f, Zipf %.1f from %.2g to %.2g, magnitudes %.1f → %.1f, bias %.1f, seed %d;"
                        + " true L0 %.2f. SAEs: %d latents, k = %d (L1 %.3g for relu), %,d training samples × %.1f epochs, batch %d, lr %.3g;"
                        + " measured on %,d fresh samples.%n%n",
                c.features(), c.hiddenDim(), r.meanAbsCosine(), r.hierarchyFeatures(), c.rootNodes(), c.branching(), c.depth(),
                c.correlationRank(), c.correlationScale(), c.zipfExponent(), c.maxProb(), c.minProb(), c.magnitudeStart(),
                c.magnitudeEnd(), c.bias(), c.seed(), r.trueL0(), o.width(), o.k(), o.l1(), o.trainSamples(), o.epochs(),
                o.batchSize(), o.learningRate(), o.evalSamples()));
        sb.append("| SAE | MCC (Hungarian) | MMCS | matched at cos ≥ 0.9 | F1 | precision | recall | uniqueness | dead latents | L0 | explained variance | shrinkage | train s |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (SyntheticRecoveryBench.Row row : r.rows()) {
            FeatureRecovery x = row.recovery();
            sb.append(f("| %s | %.3f | %.3f | %d | %.3f | %.3f | %.3f | %.3f | %d | %.1f | %.3f | %.3f | %.0f |%n", row.architecture(),
                    x.mcc(), x.meanMaxCosine(), x.matchedAbove09(), x.f1(), x.precision(), x.recall(), x.uniqueness(),
                    x.deadLatents(), x.l0(), x.explainedVariance(), x.shrinkage(), row.trainSeconds()));
        }
        if (r.rows().stream().anyMatch(row -> !row.levels().isEmpty())) {
            sb.append("\nLevel by level (the Matryoshka widths, read on each TopK-family SAE): MCC of the first w latents against all"
                    + " planted features / matched at cos ≥ 0.9 / their L0 per token; and the L0 of the w most frequent planted features:\n\n");
            SyntheticRecoveryBench.Row first = r.rows().stream().filter(row -> !row.levels().isEmpty()).findFirst().orElseThrow();
            sb.append("| SAE |");
            for (PrefixRecovery p : first.levels()) sb.append(" first ").append(p.width()).append(" |");
            sb.append("\n|---|").append("---|".repeat(first.levels().size())).append('\n');
            for (SyntheticRecoveryBench.Row row : r.rows()) {
                if (row.levels().isEmpty()) continue;
                sb.append("| ").append(row.architecture()).append(" |");
                for (PrefixRecovery p : row.levels()) sb.append(f(" %.3f / %d / L0 %.2f |", p.mcc(), p.matchedAbove09(), p.l0()));
                sb.append('\n');
            }
            sb.append("| planted features (most frequent w) |");
            for (PrefixRecovery p : first.levels()) sb.append(f(" L0 %.2f |", p.trueL0OfMostFrequent()));
            sb.append('\n');
        }
        return sb.toString();
    }

    public static String probing(TagProbingBench.Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(f("k-sparse probing on Brown tag families, %s: %,d training words (training documents), %,d held-out words"
                + " (every 20th document from the 11th: the trainers' Brown split); balanced classes; mean test accuracy over families.%n%n", r.model(), r.trainWords(), r.testWords()));
        sb.append("| units | count |");
        for (int k : r.ks()) sb.append(" k=").append(k).append(" |");
        sb.append("\n|---|---|").append("---|".repeat(r.ks().length)).append('\n');
        for (TagProbingBench.UnitSet s : r.sets()) {
            sb.append(f("| %s | %,d |", s.name(), s.units()));
            for (double a : s.meanAccuracy()) sb.append(f(" %.3f |", a));
            sb.append('\n');
        }
        int k1 = 0, k5 = Math.min(2, r.ks().length - 1);
        sb.append(f("%nPer family, accuracy at k=%d / k=%d (test words per class):%n%n", r.ks()[k1], r.ks()[k5]));
        sb.append("| family |");
        for (TagProbingBench.UnitSet s : r.sets()) sb.append(' ').append(s.name()).append(" |");
        sb.append("\n|---|").append("---|".repeat(r.sets().size())).append('\n');
        if (!r.sets().isEmpty()) {
            for (Map.Entry<String, SparseProbing.Result> e : r.sets().get(0).byFamily().entrySet()) {
                sb.append(f("| %s (%d) |", e.getKey(), e.getValue().testPerClass()));
                for (TagProbingBench.UnitSet s : r.sets()) {
                    SparseProbing.Result x = s.byFamily().get(e.getKey());
                    sb.append(f(" %.3f / %.3f |", x.accuracy()[k1], x.accuracy()[k5]));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    public static String absorption(List<AbsorptionBench.Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("First-letter absorption (SAEBench's thresholds; whole-word tokens after BOS; every 5th word held out):\n\n");
        sb.append("| SAE | words (train/test) | first-letter probe accuracy | letters scored | mean absorption fraction | full absorption rate | mean main latents | main-latent F1 |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        for (AbsorptionBench.Row row : rows) {
            Absorption.Result x = row.result();
            if (!row.measurable()) {
                // a probe that does not find first letters makes every number below it noise: none is printed
                sb.append(f("| %s | %d/%d | %.3f | not measurable: first-letter probe accuracy %.3f on %s (below %.2f) | | | | |%n",
                        row.sae(), x.trainWords(), x.testWords(), x.probeAccuracy(), x.probeAccuracy(), row.hook(),
                        Absorption.MEASURABLE_PROBE));
                continue;
            }
            double mains = x.letters().stream().mapToInt(l -> l.mainLatents().length).average().orElse(Double.NaN);
            double f1 = x.letters().stream().mapToDouble(Absorption.LetterResult::mainF1).average().orElse(Double.NaN);
            sb.append(f("| %s | %d/%d | %.3f | %d | %.3f | %.3f | %.2f | %.3f |%n", row.sae(), x.trainWords(), x.testWords(),
                    x.probeAccuracy(), x.letters().size(), x.meanFraction(), x.meanFullRate(), mains, f1));
        }
        return sb.toString();
    }

    /** Does any layer encode first letters: the probe's held-out accuracy per hook, beside the majority letter. */
    public static String letterProbes(String model, List<AbsorptionBench.ProbeAt> probes) {
        StringBuilder sb = new StringBuilder();
        sb.append(f("First-letter probe on %s's whole-word tokens (softmax probe, L2; every 5th word held out; the metric needs >= %.2f):%n%n",
                model, Absorption.MEASURABLE_PROBE));
        sb.append("| hook | words (train/test) | letters | probe accuracy | majority letter | absorption measurable |\n|---|---|---|---|---|---|\n");
        for (AbsorptionBench.ProbeAt p : probes) {
            Absorption.LetterProbe x = p.probe();
            sb.append(f("| %s | %d/%d | %d | %.3f | %.3f | %s |%n", p.hook(), x.trainWords(), x.testWords(), x.letters(),
                    x.accuracy(), x.majority(), x.accuracy() >= Absorption.MEASURABLE_PROBE ? "yes" : "no"));
        }
        return sb.toString();
    }

    private static String f(String fmt, Object... args) {
        return String.format(Locale.ROOT, fmt, args);
    }
}
