package lantern.explainer.explain;

import lantern.corpus.Corpus;
import lantern.corpus.Document;
import lantern.corpus.Sentence;
import lantern.corpus.TagFamilies;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks a class label against the corpus: every word it quotes as an example of its class ("modal verbs (Brown
 * tag MD), such as 'could', 'won't'") must occur in the corpus as a word of that class. A bare word piece
 * ('##man'), a contraction piece (''', 'll') or a punctuation mark quoted for a word class never does, so each is
 * a contradiction. Labels whose rule does not start with a class (token lists, positions) are not class labels.
 */
public final class ClassLabelCheck {
    /** Corpus words (lower case, accents removed) and the tag families each occurs with. */
    public static final class WordClasses {
        private final Map<String, Set<String>> families = new HashMap<>();

        public static WordClasses of(Corpus corpus) {
            WordClasses w = new WordClasses();
            try (var docs = corpus.documents()) {
                docs.forEach(w::add);
            }
            return w;
        }

        public void add(Document d) {
            for (Sentence s : d.sentences()) {
                if (!s.isTagged()) continue;
                for (int i = 0; i < s.size(); i++) {
                    String word = s.words().get(i);
                    if (word.equals("``") || word.equals("''")) word = "\"";
                    families.computeIfAbsent(WholeWords.key(word), k -> new HashSet<>(2)).add(s.family(i));
                }
            }
        }

        /** Whether {@code word} occurs in the corpus with tag family {@code tag}. */
        public boolean isA(String word, String tag) {
            Set<String> f = families.get(WholeWords.key(word));
            if (f == null) return false;
            String t = tag.toUpperCase(Locale.ROOT);
            if (f.contains(t)) return true;
            return t.equals(TagFamilies.PUNCT) && f.stream().anyMatch(TagFamilies::isPunctuation);
        }

        public int size() {
            return families.size();
        }
    }

    /** A label's class and the examples it quotes for it, with those that are no word of the class in the corpus. */
    public record Verdict(String tag, List<String> examples, List<String> contradicting) {
        public boolean contradicts() {
            return !contradicting.isEmpty();
        }
    }

    private ClassLabelCheck() {
    }

    /** Null when the label is no class label (its rule does not start with a tag class) or quotes no examples. */
    public static Verdict check(String text, Rule rule, WordClasses corpus) {
        if (rule == null || rule.kind() != Rule.Kind.TAG || text == null) return null;
        text = OutputClause.inputSide(text);  // a decoder label's "; promotes '...'" names no examples of the class
        String tag = rule.values().get(0);
        List<String> examples = examples(text);
        if (examples.isEmpty()) return null;
        List<String> bad = new ArrayList<>();
        for (String e : examples) if (!corpus.isA(e, tag)) bad.add(e);
        return new Verdict(tag, examples, bad);
    }

    private static final java.util.regex.Pattern LABEL_CLASS =
            java.util.regex.Pattern.compile("\\(Brown tag ('([^']{1,3})'|([A-Z$*]+))\\)");

    /**
     * The same for a label's text alone (an audit's log keeps no rule): its class is the first "(Brown tag X)" of a
     * label that does not start as a token list ("the tokens ...", "tokens right ...", "the word pieces ...").
     */
    public static Verdict check(String text, WordClasses corpus) {
        text = OutputClause.inputSide(text);
        if (text == null || text.startsWith("the token") || text.startsWith("tokens ") || text.startsWith("the word piece")
                || text.startsWith("'")) return null;
        java.util.regex.Matcher m = LABEL_CLASS.matcher(text);
        if (!m.find()) return null;
        return check(text, Rule.tag(m.group(2) != null ? m.group(2) : m.group(3)), corpus);
    }

    /**
     * The quoted examples of a class label: the list after "such as", after "strongest on" (up to the parenthesis
     * that follows) or after the class's colon ("adjectives (Brown tag JJ): 'old', 'new'").
     */
    static List<String> examples(String text) {
        String seg = null;
        int such = text.indexOf(", such as '");
        int strongest = text.indexOf("strongest on '");
        int colon = text.indexOf("): '");
        if (such >= 0) seg = text.substring(such + ", such as ".length());
        else if (strongest >= 0) {
            seg = text.substring(strongest + "strongest on ".length());
            int end = seg.lastIndexOf("' (");
            if (end >= 0) seg = seg.substring(0, end + 1);
        } else if (colon >= 0) seg = text.substring(colon + "): ".length());
        if (seg == null) return List.of();
        seg = seg.strip();
        int in = seg.indexOf("' in '");
        if (in >= 0) seg = seg.substring(in + "' in ".length()); // "'##s' in 'cats', 'dogs'": the words are the examples
        if (seg.length() < 2 || !seg.startsWith("'") || !seg.endsWith("'")) return List.of();
        return List.of(seg.substring(1, seg.length() - 1).split("', '", -1));
    }
}
