package lantern.explainer.explain;

import lantern.api.ActivationRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * The windows an explainer sees ({@code explain}) and the windows it is scored on ({@code heldOutTop} and
 * {@code random}); the two sides never share a window. {@code maxActivation} is the explain set's maximum, the
 * scale for the 0..10 prompt values.
 */
public record RecordSplit(List<ActivationRecord> explain, List<ActivationRecord> heldOutTop,
                          List<ActivationRecord> random, float maxActivation) {
    public RecordSplit {
        explain = List.copyOf(explain);
        heldOutTop = List.copyOf(heldOutTop);
        random = List.copyOf(random);
    }

    /** Held-out top windows followed by random windows: the concatenation the simulation score runs over. */
    public List<ActivationRecord> scoring() {
        List<ActivationRecord> all = new ArrayList<>(heldOutTop);
        all.addAll(random);
        return all;
    }
}
