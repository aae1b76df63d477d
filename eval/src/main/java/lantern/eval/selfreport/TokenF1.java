package lantern.eval.selfreport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Token F1 of a text against a reference, as SQuAD scores answers: both lower-cased and split into words (runs of
 * letters or digits), then precision and recall of the multiset overlap. Two empty texts score 1; one empty, 0.
 */
public final class TokenF1 {
    private TokenF1() {
    }

    public static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isLetterOrDigit(c)) {
                w.appendCodePoint(c);
            } else if (!w.isEmpty()) {
                out.add(w.toString().toLowerCase(Locale.ROOT));
                w.setLength(0);
            }
        }
        if (!w.isEmpty()) out.add(w.toString().toLowerCase(Locale.ROOT));
        return out;
    }

    public static double f1(String predicted, String reference) {
        List<String> p = words(predicted);
        List<String> r = words(reference);
        if (p.isEmpty() && r.isEmpty()) return 1;
        if (p.isEmpty() || r.isEmpty()) return 0;
        Map<String, Integer> counts = new HashMap<>();
        for (String w : r) counts.merge(w, 1, Integer::sum);
        int common = 0;
        for (String w : p) {
            Integer c = counts.get(w);
            if (c != null && c > 0) {
                common++;
                counts.put(w, c - 1);
            }
        }
        if (common == 0) return 0;
        double precision = (double) common / p.size();
        double recall = (double) common / r.size();
        return 2 * precision * recall / (precision + recall);
    }
}
