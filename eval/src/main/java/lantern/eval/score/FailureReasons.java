package lantern.eval.score;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Why windows failed: each distinct one-line reason with how many windows it cost, most frequent first. */
public final class FailureReasons {
    private FailureReasons() {
    }

    public static Map<String, Integer> count(List<String> reasons) {
        Map<String, Integer> n = new TreeMap<>();
        for (String r : reasons) n.merge(r == null || r.isBlank() ? "unknown" : r, 1, Integer::sum);
        return sorted(n);
    }

    static Map<String, Integer> sorted(Map<String, Integer> n) {
        Map<String, Integer> out = new LinkedHashMap<>();
        n.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** "reason" or "reason (and 2 other reasons)": for a one-line message. */
    public static String headline(Map<String, Integer> reasons) {
        if (reasons == null || reasons.isEmpty()) return "no reason recorded";
        String first = reasons.keySet().iterator().next();
        return reasons.size() == 1 ? first : first + " (and " + (reasons.size() - 1) + " other reasons)";
    }
}
