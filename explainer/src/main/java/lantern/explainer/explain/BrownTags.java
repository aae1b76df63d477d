package lantern.explainer.explain;

import java.util.Locale;
import java.util.Map;

/** Words for the Brown tag families the statistical explainer names. */
final class BrownTags {
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("NN", "singular nouns"), Map.entry("NNS", "plural nouns"), Map.entry("NP", "proper nouns"),
            Map.entry("NPS", "plural proper nouns"), Map.entry("NR", "adverbial nouns (days, directions)"),
            Map.entry("VB", "base-form verbs"), Map.entry("VBD", "past-tense verbs"), Map.entry("VBN", "past participles"),
            Map.entry("VBG", "present participles and gerunds"), Map.entry("VBZ", "third-person singular present verbs"),
            Map.entry("JJ", "adjectives"), Map.entry("JJR", "comparative adjectives"), Map.entry("JJT", "superlative adjectives"),
            Map.entry("RB", "adverbs"), Map.entry("IN", "prepositions"), Map.entry("AT", "articles"),
            Map.entry("CC", "coordinating conjunctions"), Map.entry("CS", "subordinating conjunctions"),
            Map.entry("CD", "numbers"), Map.entry("OD", "ordinal numbers"), Map.entry("MD", "modal verbs"),
            Map.entry("PPS", "third-person singular subject pronouns"), Map.entry("PPSS", "other subject pronouns"),
            Map.entry("PPO", "object pronouns"), Map.entry("PP$", "possessive pronouns"), Map.entry("TO", "the infinitive marker 'to'"),
            Map.entry("BE", "forms of 'be'"), Map.entry("BEZ", "the verb 'is'"), Map.entry("BED", "the verb 'were'"),
            Map.entry("BEDZ", "the verb 'was'"), Map.entry("HV", "forms of 'have'"), Map.entry("HVD", "the verb 'had'"),
            Map.entry("DO", "forms of 'do'"), Map.entry("WDT", "wh-determiners"), Map.entry("WPS", "wh-pronouns"),
            Map.entry("DT", "determiners"), Map.entry("DTI", "determiners such as 'any'"), Map.entry("AP", "post-determiners"),
            Map.entry("ABN", "pre-quantifiers"), Map.entry("EX", "existential 'there'"), Map.entry("RP", "particles"),
            Map.entry("QL", "qualifiers"), Map.entry("UH", "interjections"), Map.entry(".", "sentence-final punctuation (. ; ? !)"),
            Map.entry(",", "commas"), Map.entry(":", "colons"), Map.entry("(", "opening brackets"), Map.entry(")", "closing brackets"),
            Map.entry("--", "dashes"), Map.entry("QUOTE", "double quotation marks"), Map.entry("'", "single quotation marks"),
            Map.entry("PUNCT", "punctuation"), Map.entry("NOT", "negations ('not', \"n't\")"), Map.entry("JJS", "superlative adjectives"),
            Map.entry("PPL", "reflexive pronouns"), Map.entry("PPLS", "plural reflexive pronouns"), Map.entry("WRB", "wh-adverbs"),
            Map.entry("WPO", "object wh-pronouns"), Map.entry("WP$", "the possessive wh-pronoun 'whose'"), Map.entry("PP$$", "possessive pronouns such as 'mine'"),
            Map.entry("NRS", "plural adverbial nouns"), Map.entry("DTS", "plural determiners"), Map.entry("DTX", "the determiner/conjunction 'either'"),
            Map.entry("ABX", "the pre-quantifier 'both'"), Map.entry("ABL", "pre-qualifiers"), Map.entry("QLP", "post-qualifiers"),
            Map.entry("RBR", "comparative adverbs"), Map.entry("RBT", "superlative adverbs"), Map.entry("RN", "nominal adverbs"),
            Map.entry("BEG", "the verb 'being'"), Map.entry("BEN", "the verb 'been'"), Map.entry("BEM", "the verb 'am'"),
            Map.entry("BER", "the verb 'are'"), Map.entry("HVZ", "the verb 'has'"), Map.entry("HVG", "the verb 'having'"),
            Map.entry("HVN", "the past participle 'had'"), Map.entry("DOD", "the verb 'did'"), Map.entry("DOZ", "the verb 'does'"),
            Map.entry("PN", "nominal pronouns"));

    private BrownTags() {
    }

    /** The tag whose name appears in {@code text} (the longest name wins: "comparative adjectives" over "adjectives"), or null. */
    static String findByName(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        String best = null;
        int bestLen = 0;
        for (Map.Entry<String, String> e : NAMES.entrySet()) {
            String name = e.getValue().toLowerCase(Locale.ROOT);
            int paren = name.indexOf(" (");
            if (paren > 0) name = name.substring(0, paren);
            if (name.length() > bestLen && java.util.regex.Pattern.compile("(?<![\\w'])" + java.util.regex.Pattern.quote(name) + "(?![\\w'])").matcher(lower).find()) {
                best = e.getKey();
                bestLen = name.length();
            }
        }
        return best;
    }

    static String describe(String tag) {
        String t = tag.toUpperCase(Locale.ROOT);
        return NAMES.getOrDefault(t, "words tagged " + t);
    }
}
