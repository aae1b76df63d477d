package lantern.eval.audit;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The 95% bootstrap intervals of one feature's scores in an audit (see {@code lantern.eval.score.Bootstrap}); a null
 * member has none: the score was not run, its interval is undefined, or the log line predates intervals.
 */
public record ScoreIntervals(Ci simulation, Ci detection, Ci embedding, Ci causal, Ci fuzzing, Ci intruder) {
    public static final ScoreIntervals NONE = new ScoreIntervals(null, null, null, null, null, null);

    /**
     * A 95% interval {@code [lo, hi]} over {@code n} resampled units (windows; texts for the causal check). The
     * bounds are null when the interval is undefined (too few units, a constant score). JSON:
     * {@code {"ci95": [lo, hi], "n": 30}} ({@code "ci95": null} without bounds), as the features API writes them.
     */
    public record Ci(Double lo, Double hi, int n) {
        public Ci {
            if (lo == null || hi == null || !Double.isFinite(lo) || !Double.isFinite(hi)) {
                lo = null;
                hi = null;
            } else if (lo > hi) {
                throw new IllegalArgumentException("interval bounds out of order: [" + lo + ", " + hi + "]");
            }
            if (n < 0) throw new IllegalArgumentException("n must be >= 0: " + n);
        }

        public boolean hasBounds() {
            return lo != null;
        }

        /** {@code hi − lo}; null without bounds. */
        public Double width() {
            return hasBounds() ? hi - lo : null;
        }

        @JsonValue
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ci95", hasBounds() ? Arrays.asList(lo, hi) : null);
            m.put("n", n);
            return m;
        }

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static Ci fromJson(JsonNode node) {
            if (node == null || !node.isObject()) return null;
            JsonNode b = node.get("ci95");
            int n = node.path("n").asInt();
            boolean bounds = b != null && b.isArray() && b.size() == 2 && b.get(0).isNumber() && b.get(1).isNumber();
            return new Ci(bounds ? b.get(0).asDouble() : null, bounds ? b.get(1).asDouble() : null, n);
        }
    }
}
