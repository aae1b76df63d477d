package lantern.corpus;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Maps raw Brown tags to base families that explanations can talk about.
 *
 * <p>Brown decorates tags: suffixes {@code -tl} (word in a title), {@code -hl} (headline), {@code -nc} (cited),
 * a {@code fw-} prefix (foreign word), {@code *} for negation ({@code md*} "can't"), {@code $} for possessives
 * ({@code np$} "Atlanta's") and {@code +} for contractions ({@code ppss+md} "I'll"). The family drops all of
 * that: contractions take their first part, possessive nouns their noun family. The possessive pronouns
 * {@code pp$} ("my") and {@code pp$$} ("mine") and {@code wp$} ("whose") are tags of their own and stay so. A lone
 * {@code *} ("not", "n't") becomes {@code NOT}. Punctuation keeps Brown's fine tags: {@code ,} commas,
 * {@code .} sentence closers (. ; ? !), {@code :} colons, {@code (} {@code )}, {@code --} dashes, {@code '} single
 * quotes; {@code ``} and {@code ''} (both written {@code "} in the text) become one family {@code QUOTE}. Collections made before that stored one {@code PUNCT} family;
 * {@link #punctuationOf(String)} recovers the fine tag from the token there.
 */
public final class TagFamilies {
    /** The one family every punctuation tag had in collections made before the fine tags. */
    public static final String PUNCT = "PUNCT";
    public static final String NOT = "NOT";
    /** Double quotation marks, opening ({@code ``}) or closing ({@code ''}). */
    public static final String QUOTE = "QUOTE";

    private static final Set<String> PUNCTUATION = Set.of(".", ",", ":", "(", ")", "--", "``", "''", "'", ";", "?", "!");
    /** Tags whose {@code $} is part of the tag itself, not a possessive suffix. */
    private static final Set<String> DOLLAR_TAGS = Set.of("pp$", "pp$$", "wp$");
    /** Brown tags that name the same family as a more familiar tag. */
    private static final Map<String, String> SYNONYMS = Map.of(
            "jjt", "JJS");  // morphologically superlative adjective ("biggest")

    private TagFamilies() {
    }

    /** The base family of a raw Brown tag; never null for a non-blank tag. */
    public static String family(String raw) {
        if (raw == null || raw.isBlank()) throw new IllegalArgumentException("empty tag");
        String t = raw.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("fw-") && t.length() > 3) t = t.substring(3);
        // Decorations may stack ("nn-tl-hl") and a few are cut short in the files ("fw-in+at-t").
        t = stripSuffixes(t);
        int plus = t.indexOf('+');
        if (plus > 0) t = t.substring(0, plus);
        if (PUNCTUATION.contains(t)) return punctuationOf(t);
        if (t.equals("*")) return NOT;
        if (t.length() > 1 && t.endsWith("*")) t = t.substring(0, t.length() - 1);
        if (!DOLLAR_TAGS.contains(t) && t.length() > 1 && t.endsWith("$")) t = t.substring(0, t.length() - 1);
        String syn = SYNONYMS.get(t);
        if (syn != null) return syn;
        return t.toUpperCase(Locale.ROOT);
    }

    /** True for a punctuation family, fine ({@code ,}) or the old coarse {@code PUNCT}. */
    public static boolean isPunctuation(String family) {
        return family != null && (family.equals(PUNCT) || family.equals(QUOTE) || PUNCTUATION.contains(family));
    }

    /**
     * The fine punctuation family of a punctuation token ({@code ","} gives {@code ,}, {@code "?"} gives {@code .}),
     * or {@link #PUNCT} for a token that is none of Brown's marks.
     */
    public static String punctuationOf(String token) {
        String t = token == null ? "" : token.strip();
        if (t.startsWith("##")) t = t.substring(2);
        return switch (t) {
            case "," -> ",";
            case ".", ";", "?", "!", "...", "\u2026" -> ".";
            case ":" -> ":";
            case "(", "[", "{" -> "(";
            case ")", "]", "}" -> ")";
            case "--", "-", "\u2014", "\u2013" -> "--";
            case "\"", "``", "''", "\u201c", "\u201d" -> QUOTE;
            case "'", "`", "\u2018", "\u2019" -> "'";
            default -> PUNCT;
        };
    }

    /** True for possessive tags ({@code np$}, {@code nns$-tl}, {@code pp$}). */
    public static boolean isPossessive(String raw) {
        String t = stripSuffixes(raw.toLowerCase(Locale.ROOT));
        int plus = t.indexOf('+');
        if (plus > 0) t = t.substring(0, plus);
        return t.length() > 1 && t.endsWith("$");
    }

    private static String stripSuffixes(String t) {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (String suffix : new String[] {"-tl", "-hl", "-nc", "-t", "-n"}) {
                if (t.endsWith(suffix) && t.length() > suffix.length()) {
                    t = t.substring(0, t.length() - suffix.length());
                    changed = true;
                }
            }
        }
        return t;
    }
}
