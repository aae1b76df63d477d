package lantern.bench;

import lantern.cli.DataOption;
import lantern.eval.audit.AuditEntries;
import lantern.eval.audit.ProgressEntry;
import lantern.eval.audit.ScoreIntervals;
import lantern.corpus.BrownCorpus;
import lantern.explainer.explain.ClassLabelCheck;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code lantern bench labels --audit ID}: over every label an audit made, how many class labels quote an example
 * that is no word of their class in the corpus ({@link ClassLabelCheck}), and the distribution of the fuzzing and
 * intruder scores (how many features each scored, how many it could not, how many sit at exactly 0.5 with a
 * zero-width interval), and for decoders the output side ({@link OutputSideSummary}).
 */
@CommandLine.Command(name = "labels", mixinStandardHelpOptions = true,
        description = "Check an audit's labels: class labels whose examples contradict their class, and the fuzzing/intruder score distributions.")
public class BenchLabelsCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--audit", required = true, description = "The audit id (lantern audit prints it).")
    String audit;

    @CommandLine.Option(names = "--corpus", description = "The tagged corpus folder (default: the data folder's corpora/brown).")
    Path corpus;

    @CommandLine.Option(names = "--examples", defaultValue = "8", description = "Contradicting labels to print (default: ${DEFAULT-VALUE}).")
    int examples;

    @CommandLine.Mixin
    DataOption data = new DataOption();

    @Override
    public Integer call() {
        List<ProgressEntry> entries = AuditEntries.read(data.path().resolve("audits"), audit);
        Path dir = corpus != null ? corpus : data.path().resolve("corpora/brown");
        ClassLabelCheck.WordClasses words = ClassLabelCheck.WordClasses.of(new BrownCorpus(dir));
        System.out.printf(Locale.ROOT, "bench labels: audit %s, %,d features; corpus %s (%,d distinct words)%n", audit, entries.size(), dir, words.size());
        int labels = 0, classLabels = 0;
        List<String> bad = new ArrayList<>();
        for (ProgressEntry e : entries) {
            if (!e.ok() || e.result() == null || e.result().explanation() == null) continue;
            labels++;
            ClassLabelCheck.Verdict v = ClassLabelCheck.check(e.result().explanation(), words);
            if (v == null) continue;
            classLabels++;
            if (v.contradicts()) bad.add(String.format(Locale.ROOT, "%-22s %s   <- not a word of %s: %s", e.feature(), e.result().explanation(), v.tag(), v.contradicting()));
        }
        System.out.printf(Locale.ROOT, "labels %,d; class labels quoting examples %,d; contradicting their class %,d (%.1f%% of class labels)%n",
                labels, classLabels, bad.size(), classLabels == 0 ? 0.0 : 100.0 * bad.size() / classLabels);
        for (int i = 0; i < Math.min(examples, bad.size()); i++) System.out.println("  " + bad.get(i * bad.size() / Math.min(examples, bad.size())));
        distribution("fuzzing (balanced accuracy, chance 0.5)", entries, r -> r.fuzzing(), i -> i.fuzzing(), 0.5);
        distribution("intruder (accuracy, chance 0.25)", entries, r -> r.intruder(), i -> i.intruder(), 0.25);
        List<String[]> labelled = entries.stream().filter(e -> e.ok() && e.result() != null && e.result().explanation() != null
                && !e.result().explanation().isBlank()).map(e -> new String[]{e.feature(), e.result().explanation()}).toList();
        OutputSideSummary.of(data.path(), labelled).forEach(System.out::println);
        return 0;
    }

    private static void distribution(String name, List<ProgressEntry> entries, Function<lantern.eval.audit.FeatureResult, Double> score,
                                     Function<ScoreIntervals, ScoreIntervals.Ci> ci, double chance) {
        int[] bins = new int[10];
        int scored = 0, none = 0, atChanceZeroWidth = 0, zeroWidth = 0;
        List<Double> values = new ArrayList<>();
        for (ProgressEntry e : entries) {
            if (!e.ok() || e.result() == null || e.result().explanation() == null || e.result().maxActivation() <= 0) continue;
            Double v = score.apply(e.result());
            if (v == null) {
                none++;
                continue;
            }
            scored++;
            values.add(v);
            bins[Math.min(9, Math.max(0, (int) Math.floor(v * 10)))]++;
            ScoreIntervals.Ci c = e.result().intervals() == null ? null : ci.apply(e.result().intervals());
            boolean zero = c != null && c.lo() != null && c.hi() != null && c.hi() - c.lo() == 0;
            if (zero) zeroWidth++;
            if (zero && v == chance) atChanceZeroWidth++;
        }
        values.sort(Double::compare);
        System.out.printf(Locale.ROOT, "%n%s: scored %,d, no score %,d; mean %.3f, median %.3f; zero-width interval %,d, exactly %.2f with [%.2f, %.2f] %,d (%.1f%% of scored)%n",
                name, scored, none, values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN),
                values.isEmpty() ? Double.NaN : values.get(values.size() / 2), zeroWidth, chance, chance, chance, atChanceZeroWidth,
                scored == 0 ? 0.0 : 100.0 * atChanceZeroWidth / scored);
        StringBuilder h = new StringBuilder("  histogram:");
        for (int i = 0; i < 10; i++) h.append(String.format(Locale.ROOT, " [%.1f,%.1f%s %d", i / 10.0, (i + 1) / 10.0, i == 9 ? "]" : ")", bins[i]));
        System.out.println(h);
    }
}
