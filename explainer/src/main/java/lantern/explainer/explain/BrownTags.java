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
            Map.entry("QL", "qualifiers"), Map.entry("UH", "interjections"), Map.entry(".", "sentence-final punctuation"),
            Map.entry(",", "commas"));

    private BrownTags() {
    }

    static String describe(String tag) {
        String t = tag.toUpperCase(Locale.ROOT);
        return NAMES.getOrDefault(t, "words tagged " + t);
    }
}
