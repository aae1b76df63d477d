package lantern.corpus;

import java.util.ArrayList;
import java.util.List;

/**
 * Chinese text as the corpora cut it: characters (Unicode code points, so a character outside the Basic Multilingual
 * Plane stays whole), lines (句) ended by CJK punctuation, and per-character structure tags that the Chinese
 * statistical explainer reads back ({@link #tag}, {@link Structure#parse}).
 *
 * <p>A tag reads {@code dynasty/form/Lline/Pposition[/E]}: {@code tang/shi5/L3/P5/E} is the fifth character of the third
 * line of a Tang five-character shi and ends its line (the rhyme position); punctuation reads
 * {@code tang/shi5/L3/PUNCT}. Forms: {@code shi4}, {@code shi5}, {@code shi7} (every line of the poem has 4, 5 or 7
 * characters), {@code shi} (lines of mixed length, 杂言), {@code ci} (词), {@code prose} (plain text). Line numbers
 * above {@value #MAX_LINE} and positions above {@value #MAX_POSITION} are written as those caps.
 */
public final class ChineseText {
    public static final int MAX_LINE = 20;
    public static final int MAX_POSITION = 12;

    private ChineseText() {
    }

    /** A CJK ideograph (the unified blocks, extensions and compatibility ideographs). */
    public static boolean isIdeograph(int cp) {
        return Character.isIdeographic(cp) || Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN;
    }

    /** Full-width punctuation that ends or divides a line: ，。？！；：、 and friends. */
    public static boolean isLineBreak(int cp) {
        return "，。？！；：、,.?!;:".indexOf(cp) >= 0;
    }

    /** Punctuation and brackets of CJK text (line breaks included). */
    public static boolean isCjkPunctuation(int cp) {
        if (isLineBreak(cp)) return true;
        Character.UnicodeBlock b = Character.UnicodeBlock.of(cp);
        return b == Character.UnicodeBlock.CJK_SYMBOLS_AND_PUNCTUATION || b == Character.UnicodeBlock.HALFWIDTH_AND_FULLWIDTH_FORMS
                && !Character.isLetterOrDigit(cp) || "《》「」『』（）…—·".indexOf(cp) >= 0;
    }

    /** A word that is one ideograph or one CJK punctuation mark: written with no space beside another one. */
    public static boolean isCjkWord(String w) {
        if (w.isEmpty() || w.codePointCount(0, w.length()) != 1) return false;
        int cp = w.codePointAt(0);
        return isIdeograph(cp) || isCjkPunctuation(cp);
    }

    /** Whether most letters of a text are ideographs (a text to cut the Chinese way). */
    public static boolean isMostlyChinese(String text) {
        int han = 0, letters = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (isIdeograph(cp)) han++;
            if (Character.isLetter(cp)) letters++;
        }
        return han > 0 && han * 2 >= letters;
    }

    /**
     * The words of a Chinese text: one per ideograph or punctuation mark, a run of other letters or digits (a Latin
     * word, a number) as one word; whitespace separates and is dropped.
     */
    public static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            boolean single = isIdeograph(cp) || isCjkPunctuation(cp) || !Character.isLetterOrDigit(cp);
            if (single || Character.isWhitespace(cp)) {
                if (!run.isEmpty()) {
                    out.add(run.toString());
                    run.setLength(0);
                }
                if (!Character.isWhitespace(cp)) out.add(new String(Character.toChars(cp)));
            } else {
                run.appendCodePoint(cp);
            }
        }
        if (!run.isEmpty()) out.add(run.toString());
        return out;
    }

    /** The tag of a character at 1-based {@code line} and {@code position}; {@code end}: it closes its line. */
    public static String tag(String dynasty, String form, int line, int position, boolean end) {
        return dynasty + "/" + form + "/L" + Math.min(line, MAX_LINE) + "/P" + Math.min(position, MAX_POSITION) + (end ? "/E" : "");
    }

    /** The tag of a punctuation mark after line {@code line}. */
    public static String punctuationTag(String dynasty, String form, int line) {
        return dynasty + "/" + form + "/L" + Math.min(line, MAX_LINE) + "/PUNCT";
    }

    /**
     * Tags every word of a text's sentences by line structure: a line (句) runs up to a line-break mark; within a
     * line each word has its 1-based position and the last one before the mark ends the line.
     *
     * @return the tags of each sentence, in order
     */
    public static List<List<String>> structure(List<List<String>> sentences, String dynasty, String form) {
        List<List<String>> out = new ArrayList<>();
        int line = 1;
        int position = 0;
        for (List<String> words : sentences) {
            List<String> tags = new ArrayList<>(words.size());
            for (int i = 0; i < words.size(); i++) {
                String w = words.get(i);
                boolean punct = w.codePointCount(0, w.length()) == 1 && isCjkPunctuation(w.codePointAt(0));
                if (punct) {
                    tags.add(punctuationTag(dynasty, form, Math.max(line - (position == 0 ? 1 : 0), 1)));
                    if (isLineBreak(w.codePointAt(0)) && position > 0) {
                        line++;
                        position = 0;
                    }
                    continue;
                }
                position++;
                boolean end = i + 1 >= words.size() || isLineBreakWord(words.get(i + 1));
                tags.add(tag(dynasty, form, line, position, end));
                if (i + 1 >= words.size()) {  // a sentence (paragraph) ends a line even without a mark
                    line++;
                    position = 0;
                }
            }
            out.add(tags);
        }
        return out;
    }

    private static boolean isLineBreakWord(String w) {
        return w.codePointCount(0, w.length()) == 1 && isLineBreak(w.codePointAt(0));
    }

    /** The lengths (in characters) of the lines of a poem's paragraphs. */
    public static List<Integer> lineLengths(List<List<String>> sentences) {
        List<Integer> out = new ArrayList<>();
        for (List<String> words : sentences) {
            int n = 0;
            for (String w : words) {
                boolean punct = w.codePointCount(0, w.length()) == 1 && isCjkPunctuation(w.codePointAt(0));
                if (!punct) n++;
                else if (isLineBreak(w.codePointAt(0)) && n > 0) {
                    out.add(n);
                    n = 0;
                }
            }
            if (n > 0) out.add(n);
        }
        return out;
    }

    /** A structure tag read back; {@code position} is 0 for punctuation. */
    public record Structure(String dynasty, String form, int line, int position, boolean end) {
        /** Parses a tag made by {@link #tag} or {@link #punctuationTag}; null for anything else. */
        public static Structure parse(String tag) {
            if (tag == null) return null;
            String[] p = tag.split("/");
            if (p.length < 4 || !p[2].startsWith("L") || !p[3].startsWith("P")) return null;
            try {
                int line = Integer.parseInt(p[2].substring(1));
                if (p[3].equals("PUNCT")) return new Structure(p[0], p[1], line, 0, false);
                return new Structure(p[0], p[1], line, Integer.parseInt(p[3].substring(1)), p.length > 4 && p[4].equals("E"));
            } catch (NumberFormatException e) {
                return null;
            }
        }

        public boolean punctuation() {
            return position == 0;
        }

        /**
         * Whether this character satisfies a structure predicate (case-insensitive): {@code END} (ends its line: the
         * rhyme position), {@code EVEN_END} (ends an even-numbered line: where regulated verse must rhyme),
         * {@code START} (first of its line), {@code P<n>} (n-th of its line), {@code L<n>} (in line n), {@code PUNCT},
         * {@code FORM=<form>}, {@code DYN=<dynasty>}. Structure predicates other than PUNCT, FORM and DYN hold only for
         * characters, never for punctuation.
         */
        public boolean matches(String predicate) {
            String p = predicate.toUpperCase(java.util.Locale.ROOT);
            if (p.startsWith(PREDICATE_PREFIX)) p = p.substring(PREDICATE_PREFIX.length());
            if (p.equals("PUNCT")) return punctuation();
            if (p.startsWith("FORM=")) return form.equalsIgnoreCase(p.substring(5));
            if (p.startsWith("DYN=")) return dynasty.equalsIgnoreCase(p.substring(4));
            if (punctuation()) return false;
            return switch (p) {
                case "END" -> end;
                case "EVEN_END" -> end && line % 2 == 0;
                case "START" -> position == 1;
                default -> p.length() > 1 && (p.charAt(0) == 'P' || p.charAt(0) == 'L') && p.substring(1).chars().allMatch(Character::isDigit)
                        && (p.charAt(0) == 'P' ? position : line) == Integer.parseInt(p.substring(1));
            };
        }
    }

    /** Rules over Chinese structure are tag rules whose value starts with this ("ZH:END"). */
    public static final String PREDICATE_PREFIX = "ZH:";
}
