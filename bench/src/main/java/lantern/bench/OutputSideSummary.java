package lantern.bench;

import lantern.core.ExplanationResult;
import lantern.core.ExplanationStore;
import lantern.core.OutputSideScore;
import lantern.api.FeatureId;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Over the decoder features of an audit: how many labels read both sides (name what the unit promotes), how many
 * output sides could not be scored, and the distribution of the output score and of the gains behind it, read from
 * the features' stored explanations (the newest one whose text is the audit's label). {@code lantern bench labels}
 * prints it.
 */
public final class OutputSideSummary {
    private OutputSideSummary() {
    }

    /**
     * @param features the audit's features with the label it made for each (feature id, label)
     * @return the lines to print; empty when no feature has a measured output side (encoders)
     */
    public static List<String> of(Path dataDir, List<String[]> features) {
        ExplanationStore store = new ExplanationStore(dataDir);
        List<Double> scores = new ArrayList<>(), gains = new ArrayList<>(), randomMax = new ArrayList<>();
        int measured = 0, unscored = 0, named = 0;
        List<String> examples = new ArrayList<>();
        for (String[] f : features) {
            OutputSideScore o = store.list(FeatureId.parse(f[0])).stream().filter(e -> f[1].equals(e.text()))
                    .map(ExplanationResult::output).filter(java.util.Objects::nonNull).findFirst().orElse(null);
            if (o == null) continue;
            measured++;
            if (o.gain() == null) {
                unscored++;
                continue;
            }
            gains.add(o.gain());
            if (o.randomMax() != null) randomMax.add(o.randomMax());
            if (o.score() != null) scores.add(o.score());
            if (o.clause() != null) {
                named++;
                if (examples.size() < 6) examples.add(String.format(Locale.ROOT, "  %-24s %s   (output %.3f: %+.4f vs best random %+.4f)",
                        f[0], f[1], o.score(), o.gain(), o.randomMax()));
            }
        }
        if (measured == 0) return List.of();
        List<String> out = new ArrayList<>();
        int scored = measured - unscored;
        out.add("");
        out.add(String.format(Locale.ROOT, "output side (decoders): measured %,d, not scored %,d; labels that name what the unit promotes %,d (%.1f%% of scored)",
                measured, unscored, named, scored == 0 ? 0.0 : 100.0 * named / scored));
        out.add(String.format(Locale.ROOT, "  output score (gain - best random) / (|gain| + |best random|): mean %.3f, median %.3f, > 0 for %,d",
                mean(scores), median(scores), scores.stream().filter(s -> s > 0).count()));
        out.add(String.format(Locale.ROOT, "  probability the promoted tokens gain when amplified: median %.4f (mean %.4f); best of the random units: median %.4f",
                median(gains), mean(gains), median(randomMax)));
        int[] bins = new int[10];
        for (double s : scores) bins[Math.min(9, Math.max(0, (int) Math.floor((s + 1) * 5)))]++;
        StringBuilder h = new StringBuilder("  histogram of the output score:");
        for (int i = 0; i < 10; i++) h.append(String.format(Locale.ROOT, " [%.1f,%.1f%s %d", -1 + i / 5.0, -1 + (i + 1) / 5.0, i == 9 ? "]" : ")", bins[i]));
        out.add(h.toString());
        out.addAll(examples);
        return out;
    }

    private static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static double median(List<Double> v) {
        if (v.isEmpty()) return Double.NaN;
        List<Double> s = new ArrayList<>(v);
        s.sort(Double::compare);
        return s.get(s.size() / 2);
    }
}
