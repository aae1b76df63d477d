package lantern.explainer.explain;

import lantern.api.ActivationRecord;
import lantern.api.FeatureRecords;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Splits a feature's top windows into an explain set and held-out top windows by alternating ranks, so both sides
 * span the same activation range (OpenAI's neuron-explainer does the same), and adds the random windows to the
 * scoring side. A random window that equals an explain window (possible on a small corpus) is dropped from
 * scoring, and so is a top window repeated in the list: the two sides are disjoint by content, not only by index.
 */
public final class RecordSplitter {
    private final int maxExplain;
    private final int maxHeldOutTop;
    private final int maxRandom;

    public RecordSplitter(int maxExplain, int maxHeldOutTop, int maxRandom) {
        if (maxExplain < 1) throw new IllegalArgumentException("the explain set needs at least one window: " + maxExplain);
        if (maxHeldOutTop < 0 || maxRandom < 0) throw new IllegalArgumentException("window counts must be >= 0");
        this.maxExplain = maxExplain;
        this.maxHeldOutTop = maxHeldOutTop;
        this.maxRandom = maxRandom;
    }

    /** Defaults close to OpenAI's: 20 explain windows, 20 held-out top windows (when there are that many), 20 random. */
    public static RecordSplitter defaults() {
        return scoring(20);
    }

    /** The default explain set (20 windows) with {@code windows} held-out top and {@code windows} random windows. */
    public static RecordSplitter scoring(int windows) {
        return new RecordSplitter(20, windows, windows);
    }

    public RecordSplit split(FeatureRecords records) {
        return split(records.top(), records.random());
    }

    public RecordSplit split(List<ActivationRecord> top, List<ActivationRecord> random) {
        if (top == null || top.isEmpty()) throw new IllegalArgumentException("the feature has no top-activating windows to explain");
        List<ActivationRecord> explain = new ArrayList<>();
        List<ActivationRecord> heldOut = new ArrayList<>();
        Set<ActivationRecord> explainSet = new HashSet<>();
        Set<ActivationRecord> scoringSet = new HashSet<>();
        for (int i = 0; i < top.size(); i++) {
            ActivationRecord r = top.get(i);
            // even ranks explain, odd ranks are held out; once one side is full the other takes the rest
            boolean wantsExplain = (i % 2 == 0 || heldOut.size() >= maxHeldOutTop) && explain.size() < maxExplain;
            if (wantsExplain && !scoringSet.contains(r)) {
                if (explainSet.add(r)) explain.add(r);
            } else if (heldOut.size() < maxHeldOutTop && !explainSet.contains(r) && scoringSet.add(r)) {
                heldOut.add(r);
            }
        }
        List<ActivationRecord> rnd = new ArrayList<>();
        for (ActivationRecord r : random == null ? List.<ActivationRecord>of() : random) {
            if (rnd.size() >= maxRandom) break;
            if (!explainSet.contains(r) && scoringSet.add(r)) rnd.add(r);
        }
        return new RecordSplit(explain, heldOut, rnd, DiscreteActivations.maxActivation(explain));
    }
}
