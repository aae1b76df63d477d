package lantern.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The word class a search asks for, and the class a label names. A query such as "commas", "end of sentence
 * punctuation" or "articles such as the and a" asks for a Brown tag family (",", ".", "AT"); a statistical label
 * names its class as "plural nouns (Brown tag NNS), such as ...". With both, search ranks the labels of that class
 * first, the plain class label before a narrower one ("... right after 'the'"), and among them the one whose
 * simulation score's lower bound is highest (see {@link FeatureSearcher}).
 */
public final class ClassQuery {
    /** Each class's first phrase: its name as the statistical explainer writes it. */
    private static final Map<String, String> NAMES = new java.util.HashMap<>();
    /** Phrases a reader uses for a class, longest first when matched; each maps to a Brown tag family. */
    private static final List<Map.Entry<String, String>> PHRASES = phrases(
            ",", "commas|comma",
            ".", "sentence-final punctuation|end of sentence punctuation|end of sentence|end of a sentence|sentence end|sentence final punctuation|sentence-final|sentence final|full stops|full stop|periods|period|question marks|exclamation marks",
            ":", "colons|colon",
            "(", "opening brackets|opening parentheses|open parenthesis|opening bracket",
            ")", "closing brackets|closing parentheses|close parenthesis|closing bracket",
            "--", "dashes|dash",
            "QUOTE", "double quotation marks|quotation marks|double quotes|quotes",
            "'", "single quotation marks|single quotes|apostrophes",
            "AT", "articles|article|the and a|a and the|the, a|determiners the and a",
            "NNS", "plural nouns|plural noun|nouns in the plural",
            "NPS", "plural proper nouns",
            "NP", "proper nouns|proper noun|names of people and places|names of people|person names|names",
            "NN", "singular nouns|singular noun|common nouns|nouns|noun",
            "NR", "adverbial nouns|days of the week|directions",
            "VBD", "past-tense verbs|past tense verbs|verbs in the past tense|past tense",
            "VBN", "past participles|past participle",
            "VBG", "present participles|gerunds|-ing forms|words ending in ing|ing verbs",
            "VBZ", "third-person singular present verbs|third person singular verbs|verbs ending in s",
            "VB", "base-form verbs|base form verbs|infinitives|verbs in base form|verbs",
            "JJR", "comparative adjectives|comparatives",
            "JJS", "superlative adjectives|superlatives",
            "JJ", "adjectives|adjective",
            "RB", "adverbs|adverb",
            "IN", "prepositions|preposition|of, in and for|of and in",
            "CC", "coordinating conjunctions|and, or, but|and or but|and and or",
            "CS", "subordinating conjunctions|that, if, because|because and if",
            "CD", "numbers|numerals|cardinal numbers|digits",
            "OD", "ordinal numbers|ordinals|first, second",
            "MD", "modal verbs|modals|can, could, would|can and would|will and would",
            "PPS", "third-person singular subject pronouns|he, she, it|he she it|he and she",
            "PPSS", "other subject pronouns|i, we, they|i we they|we and they",
            "PPO", "object pronouns|him, them|him and them",
            "PP$", "possessive pronouns|his and her|his, her, their",
            "TO", "infinitive marker|infinitive to|to before a verb",
            "BEDZ", "the verb was|the word was",
            "BED", "the verb were|the word were",
            "BEZ", "the verb is|the word is",
            "BER", "the verb are|the word are",
            "BEN", "the verb been|the word been",
            "BE", "forms of be|the verb be",
            "HVD", "the verb had|the word had",
            "HV", "forms of have|the verb have",
            "HVZ", "the verb has|the word has",
            "WDT", "wh-determiners|which and what",
            "WPS", "wh-pronouns|who",
            "DT", "determiners such as this|this and that|determiners",
            "AP", "post-determiners|many, other, more",
            "EX", "existential there|there is",
            "NOT", "negations|not and n't|negation",
            "RP", "particles|verb particles",
            "QL", "qualifiers|very and too");

    private static final Pattern LABEL_CLASS = Pattern.compile("\\(Brown tag ('([^']{1,3})'|([A-Z$*]+))\\)");

    private ClassQuery() {
    }

    private static List<Map.Entry<String, String>> phrases(String... tagAndPhrases) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (int i = 0; i < tagAndPhrases.length; i += 2) {
            String[] ps = tagAndPhrases[i + 1].split("\\|");
            NAMES.put(tagAndPhrases[i], ps[0]);
            for (String p : ps) out.add(Map.entry(p, tagAndPhrases[i]));
        }
        out.sort((a, b) -> b.getKey().length() - a.getKey().length());
        return List.copyOf(out);
    }

    /** The Brown tag family the query asks for (the longest phrase it contains), or null. */
    public static String tagOf(String query) {
        if (query == null) return null;
        String q = " " + query.toLowerCase(Locale.ROOT).replaceAll("[\"“”]", " ").replaceAll("\\s+", " ").strip() + " ";
        for (Map.Entry<String, String> e : PHRASES) {
            Pattern p = Pattern.compile("(?<![\\w'-])" + Pattern.quote(e.getKey()) + "(?![\\w'-])");
            if (p.matcher(q).find()) return e.getValue();
        }
        return null;
    }

    /** The class's name as labels write it, for the text query ("sentence-final punctuation" for "."); null if none. */
    static String nameOf(String tag) {
        return NAMES.get(tag);
    }

    /** The class a label names and how closely (see {@link #specificity}); null when it names none. */
    public record LabelClass(String tag, double specificity) {
    }

    /** How closely a label that mentions a class only as context ("tokens right before plural nouns") names it. */
    static final double CONTEXT = 0.3;

    /**
     * The class a statistical label names ("plural nouns (Brown tag NNS), ..."), with how specific the label is to
     * it: 1 for the class itself ("plural nouns (Brown tag NNS), such as 'years'"), 0.85 for the class graded by its
     * strongest members, 0.75 for a narrower part of it (a position in the word, right after or before some words,
     * a list of its members), {@link #CONTEXT} when the class appears only as context.
     */
    public static LabelClass labelClass(String text) {
        if (text == null) return null;
        Matcher m = LABEL_CLASS.matcher(text);
        if (!m.find()) return null;
        String tag = m.group(2) != null ? m.group(2) : m.group(3);
        String before = text.substring(0, m.start()).toLowerCase(Locale.ROOT);
        String after = text.substring(m.end());
        double s;
        if (before.startsWith("the first word piece") || before.startsWith("word pieces after") || before.startsWith("the last word piece")) s = 0.75;
        else if (before.contains(" right before ") || before.contains(" right after ") || before.startsWith("tokens")) s = CONTEXT;
        else if (after.isEmpty() || after.startsWith(", such as")) s = 1.0;
        else if (after.startsWith(", strongest")) s = 0.85;
        else s = 0.75;
        return new LabelClass(tag, s);
    }
}
