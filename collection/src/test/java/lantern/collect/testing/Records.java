package lantern.collect.testing;

import lantern.api.ActivationRecord;
import lantern.api.FeatureId;
import lantern.api.FeatureRecords;
import lantern.api.FeatureStats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;

/** Builds FeatureRecords for a known "feature" over real Brown windows. */
public final class Records {
    private Records() {
    }

    public static ActivationRecord record(List<BrownWindows.Word> words, float[] acts) {
        List<String> tokens = words.stream().map(BrownWindows.Word::token).toList();
        List<String> tags = words.stream().map(BrownWindows.Word::tag).toList();
        boolean[] starts = new boolean[words.size()];
        java.util.Arrays.fill(starts, true);
        return new ActivationRecord(tokens, acts, tags, starts);
    }

    /**
     * Top windows from file {@code topFile} (those where the feature fires, strongest first) and random windows
     * (the first {@code nRandom} windows of {@code randomFile}, whatever they hold).
     *
     * @param activation activation of word i of a window, given the window
     */
    public static FeatureRecords build(String topFile, String randomFile, int nTop, int nRandom,
                                       BiFunction<List<BrownWindows.Word>, Integer, Float> activation) {
        return build(List.of(topFile), randomFile, nTop, nRandom, 16, activation);
    }

    /** The same over the windows of several files, {@code size} words each. */
    public static FeatureRecords build(List<String> topFiles, String randomFile, int nTop, int nRandom, int size,
                                       BiFunction<List<BrownWindows.Word>, Integer, Float> activation) {
        List<ActivationRecord> top = new ArrayList<>();
        for (String topFile : topFiles) {
            for (List<BrownWindows.Word> w : BrownWindows.windows(topFile, size)) {
                ActivationRecord r = make(w, activation);
                if (r.max() > 0) top.add(r);
            }
        }
        top.sort(Comparator.comparingDouble(r -> -r.max()));
        top = top.subList(0, Math.min(nTop, top.size()));
        List<ActivationRecord> random = BrownWindows.windows(randomFile, size).stream().limit(nRandom)
                .map(w -> make(w, activation)).toList();
        float max = (float) top.stream().mapToDouble(ActivationRecord::max).max().orElse(0);
        FeatureStats stats = new FeatureStats(max, 0, 0, new double[0], new float[0], 0);
        return new FeatureRecords(FeatureId.parse("test/0/mlp/1"), stats, top, random, List.of());
    }

    private static ActivationRecord make(List<BrownWindows.Word> w, BiFunction<List<BrownWindows.Word>, Integer, Float> activation) {
        float[] a = new float[w.size()];
        for (int i = 0; i < a.length; i++) a[i] = activation.apply(w, i);
        return record(w, a);
    }
}
