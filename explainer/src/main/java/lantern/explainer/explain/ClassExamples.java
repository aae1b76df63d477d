package lantern.explainer.explain;

import lantern.api.ActivationRecord;
import lantern.corpus.TagFamilies;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The examples a class label quotes: whole words of the class as a reader sees them ({@link WholeWords}), where
 * the rule fires most strongly in the explain set. A token the rule fires on stands for the word it is part of
 * ('hartman' for '##man', "won't" for "'"); a word the window cuts is left out, and so is any word that is not
 * of the class at that place or, for a class other than punctuation, a punctuation mark. So a label's examples can
 * never contradict its class.
 */
final class ClassExamples {
    private ClassExamples() {
    }

    /** Up to {@code n} distinct whole words of class {@code tag} where {@code rule} fires and the unit is active, strongest first. */
    static List<String> words(Rule rule, String tag, List<ActivationRecord> records, int n) {
        record Hit(ActivationRecord r, int i, float act) {
        }
        List<Hit> hits = new ArrayList<>();
        for (ActivationRecord r : records) {
            boolean[] f = rule.fires(r);
            for (int i = 0; i < f.length; i++) if (f[i] && r.activations()[i] > 0) hits.add(new Hit(r, i, r.activations()[i]));
        }
        hits.sort(Comparator.comparingDouble(h -> -h.act()));
        boolean punctuationClass = TagFamilies.isPunctuation(tag);
        Map<String, String> out = new LinkedHashMap<>();
        for (Hit h : hits) {
            if (out.size() >= n) break;
            if (!isOfClass(h.r(), h.i(), tag)) continue;
            String w = WholeWords.at(h.r(), h.i());
            if (w == null || WholeWords.isPiece(w)) continue;
            if (!punctuationClass && WholeWords.isPunctuation(w)) continue;
            out.putIfAbsent(WholeWords.key(w), w);
        }
        return List.copyOf(out.values());
    }

    private static boolean isOfClass(ActivationRecord r, int i, String tag) {
        String t = Rule.tagAt(r, i);
        if (t == null) return false;
        String want = Rule.tagNorm(tag);
        return t.equals(want) || (want.equals(TagFamilies.PUNCT) && TagFamilies.isPunctuation(t));
    }
}
