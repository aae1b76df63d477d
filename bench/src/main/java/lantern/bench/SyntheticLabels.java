package lantern.bench;

import lantern.index.IndexedExplanation;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The bench index's synthetic labeled features: label texts from templates of the kinds real labels take (word
 * classes, words, topics, punctuation), documents that pair a text with its MiniLM vector (optionally blended with
 * another text's, plus noise), spread over six layers, and the bench's query texts.
 */
final class SyntheticLabels {
    private SyntheticLabels() {
    }

    static final List<String> TEMPLATES = List.of(
            "{pos} in the {form} form", "the word \"{word}\" and its variants", "{pos} related to {topic}",
            "tokens following \"{word}\"", "{pos} at the start of a {unit}", "words about {topic}, especially \"{word}\"",
            "the suffix \"{suffix}\" on {pos}", "{topic} vocabulary in {genre} texts", "{punct} inside {unit}s",
            "{form} {pos} after \"{word}\"", "{pos} in {genre} writing about {topic}", "{punct} before {pos}");
    static final String[] POS = {"nouns", "verbs", "adjectives", "adverbs", "pronouns", "prepositions", "determiners",
            "proper nouns", "numbers", "modal verbs", "conjunctions", "auxiliary verbs"};
    static final String[] FORM = {"plural", "singular", "past tense", "present tense", "possessive", "comparative",
            "superlative", "gerund", "negated", "capitalized"};
    static final String[] WORD = {"the", "of", "not", "said", "would", "Mr.", "which", "could", "first", "new", "time",
            "people", "state", "government", "year", "church", "water", "president", "school", "war"};
    static final String[] TOPIC = {"food", "sports", "politics", "religion", "music", "weather", "money", "family",
            "law", "medicine", "science", "war", "travel", "education", "art"};
    static final String[] UNIT = {"sentence", "paragraph", "quotation", "title", "headline", "list", "parenthetical"};
    static final String[] SUFFIX = {"-ing", "-ed", "-ly", "-tion", "-s", "-ness", "-ment", "-er", "-est", "-able"};
    static final String[] GENRE = {"news", "fiction", "religious", "academic", "humor", "government"};
    static final String[] PUNCT = {"commas", "periods", "quotation marks", "hyphens", "semicolons", "parentheses"};
    static final List<String> QUERIES = List.of("plural nouns", "past tense verbs", "negation", "sports words",
            "start of a sentence", "food and cooking", "possessive", "punctuation in quotes", "numbers", "religious words",
            "words about money", "capital letters", "comparative adjectives", "the word said", "legal language",
            "music terms", "weather", "family members", "-ing endings", "headlines");

    /** The fixed queries, then form + word-class queries drawn from {@code rng} up to 100. */
    static List<String> queries(Random rng) {
        List<String> queryTexts = new ArrayList<>(QUERIES);
        while (queryTexts.size() < 100) queryTexts.add(pick(rng, FORM) + " " + pick(rng, POS));
        return queryTexts;
    }

    /**
     * Doc i: a text from the pool and its embedding plus a little noise, so no two vectors are the same; blended, the
     * embedding is first mixed with another text's (weight 0.5-1 on its own), so documents fill the space between texts.
     */
    static IndexedExplanation document(int i, List<String> texts, float[][] vectors, boolean blended) {
        Random r = new Random(i * 0x9E3779B97F4A7C15L);
        int t = r.nextInt(texts.size());
        float[] v = vectors[t].clone();
        if (blended) {
            float[] other = vectors[r.nextInt(texts.size())];
            float w = (float) (0.5 + 0.5 * r.nextDouble());
            for (int d = 0; d < v.length; d++) v[d] = w * v[d] + (1 - w) * other[d];
        }
        for (int d = 0; d < v.length; d++) v[d] += (float) (r.nextGaussian() * 0.01);
        int layer = i % 6;
        return IndexedExplanation.of("bench/" + layer + "/mlp/" + i / 6, texts.get(t), i % 3 == 0 ? "statistical" : "llm",
                r.nextDouble(), r.nextDouble(), r.nextDouble(), List.of(), v, 0L);
    }

    static String generate(Random r) {
        String t = TEMPLATES.get(r.nextInt(TEMPLATES.size()));
        return t.replace("{pos2}", pick(r, POS)).replace("{pos}", pick(r, POS)).replace("{form}", pick(r, FORM))
                .replace("{word}", pick(r, WORD)).replace("{topic}", pick(r, TOPIC)).replace("{unit}", pick(r, UNIT))
                .replace("{suffix}", pick(r, SUFFIX)).replace("{genre}", pick(r, GENRE)).replace("{punct}", pick(r, PUNCT));
    }

    private static String pick(Random r, String[] words) {
        return words[r.nextInt(words.length)];
    }
}
