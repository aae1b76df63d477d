package lantern.api;

import java.util.List;

/**
 * Everything collected for one feature: statistics, top-activating windows (strongest first, no two on the same
 * event), seeded random windows, and windows sampled by activation quantile (lowest bin first).
 */
public record FeatureRecords(FeatureId id, FeatureStats stats, List<ActivationRecord> top,
                             List<ActivationRecord> random, List<List<ActivationRecord>> quantileBins) {
}
