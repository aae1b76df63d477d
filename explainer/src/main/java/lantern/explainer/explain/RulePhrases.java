package lantern.explainer.explain;

import lantern.api.ActivationRecord;
import lantern.corpus.TagFamilies;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Phrases a statistical rule as a sentence, with the tokens it fired on most strongly in the explain set as examples. */
final class RulePhrases {
    private static final int EXAMPLES = 3;
    /** share of a token list's hits one tag must hold to be named ("the plural suffix '##s'") */
    private static final double DOMINANT_TAG = 0.6;

    private RulePhrases() {
    }

    static String phrase(Rule rule, List<ActivationRecord> records) {
        if (rule.kind() == Rule.Kind.TAG && rule.level() != null) return graded(rule, records);
        Rule and = rule.and();
        if (rule.kind() == Rule.Kind.TAG) {
            // a class label quotes whole words of its class, as a reader sees them (ClassExamples)
            String tag = rule.values().get(0);
            String cls = tagClass(tag);
            String suchAs = suchAs(ClassExamples.words(rule, tag, records, EXAMPLES));
            if (and == null) return cls + suchAs;
            // a label about pieces names the pieces, then the whole words they were part of
            String pieces = ClassExamples.words(rule, tag, records, EXAMPLES).isEmpty() ? ""
                    : ", such as " + quoteList(examples(rule, records, EXAMPLES)) + " in " + quoteList(ClassExamples.words(rule, tag, records, EXAMPLES));
            return switch (and.kind()) {
                case WORD_START -> "the first word piece of " + cls + pieces;
                case CONTINUATION -> "word pieces after the first in " + cls + pieces;
                case WORD_END -> "the last word piece of " + cls + pieces;
                case PRECEDED_BY -> cls + " right after " + orList(and.values()) + suchAs;
                case FOLLOWED_BY_TAG -> cls + " right before " + BrownTags.describe(and.values().get(0)) + suchAs;
                case TOKEN -> {
                    List<String> words = ClassExamples.words(rule, tag, records, Math.max(1, and.values().size()));
                    yield words.isEmpty() ? cls : cls + ": " + quoteList(words);
                }
                case TAG -> cls + " that are also " + tagClass(and.values().get(0)) + suchAs;
            };
        }
        String ex = quoteList(examples(rule, records, EXAMPLES));
        String suchAs = ex.isEmpty() ? "" : ", such as " + ex;
        String base = switch (rule.kind()) {
            case TAG -> throw new AssertionError("handled above");
            case TOKEN -> tokens(rule, records);
            case CONTINUATION -> "word pieces that continue a word (not its first piece)" + suchAs;
            case WORD_START -> "the first piece of a word" + suchAs;
            case WORD_END -> "the last piece of a word" + suchAs;
            case PRECEDED_BY -> "tokens right after " + orList(rule.values()) + suchAs;
            // reading order: the tokens it fires on, then the word that follows them
            case FOLLOWED_BY_TAG -> (ex.isEmpty() ? "tokens" : ex + " and other tokens") + " right before "
                    + BrownTags.describe(rule.values().get(0));
        };
        return and == null ? base : base + " (where also " + phrase(and, records) + ")";
    }

    private static String suchAs(List<String> words) {
        return words.isEmpty() ? "" : ", such as " + quoteList(words);
    }

    /**
     * "singular nouns (Brown tag NN), strongest on 'state', 'city' (other singular nouns at about 30%)": the
     * strongest members are named by the whole words the listed tokens fired in.
     */
    private static String graded(Rule rule, List<ActivationRecord> records) {
        String tag = rule.values().get(0);
        Rule and = rule.and();
        String where = switch (and.kind()) {
            case TOKEN -> {
                List<String> words = ClassExamples.words(new Rule(rule.kind(), rule.values(), and), tag, records, and.values().size());
                yield words.isEmpty() ? "on a few of them" : "on " + quoteList(words);
            }
            case PRECEDED_BY -> "right after " + orList(and.values());
            case WORD_START -> "on the first word piece";
            case CONTINUATION -> "on word pieces after the first";
            case WORD_END -> "on the last word piece";
            case FOLLOWED_BY_TAG -> "right before " + BrownTags.describe(and.values().get(0));
            case TAG -> "on " + tagClass(and.values().get(0));
        };
        String others = and.kind() == Rule.Kind.TOKEN ? "other " + BrownTags.describe(tag) : "elsewhere";
        return tagClass(tag) + ", strongest " + where + " (" + others + " at about " + Math.round(rule.level() * 100) + "%)";
    }

    /** "plural nouns (Brown tag NNS)", "commas (Brown tag ',')". */
    static String tagClass(String tag) {
        String shown = TagFamilies.isPunctuation(tag) && !tag.equals(TagFamilies.PUNCT) && !tag.equals(TagFamilies.QUOTE)
                ? "'" + tag + "'" : tag.toUpperCase(java.util.Locale.ROOT);
        return BrownTags.describe(tag) + " (Brown tag " + shown + ")";
    }

    /** A token list; a list of word pieces says so and names the class they fall in when one dominates. */
    private static String tokens(Rule rule, List<ActivationRecord> records) {
        List<String> values = orderedByExample(rule, records);
        boolean pieces = values.stream().allMatch(v -> v.startsWith("##") && v.length() > 2);
        if (!pieces) return "the token" + (values.size() > 1 ? "s " : " ") + quoteList(values);
        String tag = dominantTag(rule, records);
        if (values.equals(List.of("##s")) && tag != null && (tag.equals("NNS") || tag.equals("NPS"))) return "the plural suffix '##s'";
        if (values.equals(List.of("##s")) && "VBZ".equals(tag)) return "the verb suffix '##s' (third person singular)";
        String head = "the word piece" + (values.size() > 1 ? "s " : " ") + quoteList(values);
        return tag == null ? head : head + " in " + BrownTags.describe(tag);
    }

    private static String dominantTag(Rule rule, List<ActivationRecord> records) {
        Map<String, Integer> counts = new HashMap<>();
        int total = 0;
        for (ActivationRecord r : records) {
            boolean[] f = rule.fires(r);
            for (int i = 0; i < f.length; i++) {
                if (!f[i] || r.activations()[i] <= 0) continue;
                total++;
                String t = Rule.tagAt(r, i);
                if (t != null) counts.merge(t, 1, Integer::sum);
            }
        }
        for (Map.Entry<String, Integer> e : counts.entrySet()) if (e.getValue() >= DOMINANT_TAG * total && total > 0) return e.getKey();
        return null;
    }

    /** The tokens the rule fires on, strongest activation first, distinct. */
    static List<String> examples(Rule rule, List<ActivationRecord> records, int n) {
        record Hit(String token, float act) {
        }
        List<Hit> hits = new ArrayList<>();
        for (ActivationRecord r : records) {
            boolean[] f = rule.fires(r);
            for (int i = 0; i < f.length; i++) if (f[i]) hits.add(new Hit(r.tokens().get(i), r.activations()[i]));
        }
        hits.sort(Comparator.comparingDouble(h -> -h.act()));
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (Hit h : hits) {
            if (out.size() >= n) break;
            out.add(h.token());
        }
        return List.copyOf(out);
    }

    private static List<String> orderedByExample(Rule rule, List<ActivationRecord> records) {
        LinkedHashSet<String> ordered = new LinkedHashSet<>();
        for (String e : examples(rule, records, Integer.MAX_VALUE)) ordered.add(Rule.norm(e));
        ordered.addAll(rule.values());
        return List.copyOf(ordered);
    }

    private static String orList(List<String> items) {
        return quoteList(items).replace("', '", "' or '");
    }

    /** Tokens quoted for people: without a leading-space marker (' yellow', 'Ġyellow', '▁yellow' read 'yellow'). */
    static String quoteList(List<String> items) {
        LinkedHashSet<String> shown = new LinkedHashSet<>();
        for (String s : items) shown.add("'" + shown(s) + "'");
        return String.join(", ", shown);
    }

    static String shown(String token) {
        String t = token;
        while (!t.isEmpty() && (t.charAt(0) == ' ' || t.charAt(0) == '\u0120' || t.charAt(0) == '\u2581')) t = t.substring(1);
        return t.isEmpty() ? token : t;
    }
}
