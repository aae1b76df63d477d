package lantern.corpus;

import java.util.ArrayList;
import java.util.List;

/**
 * One sentence of a corpus: its words and, for tagged corpora, each word's raw tag ("np$", "nn-tl") and base
 * family ("NP", "NN"). {@code rawTags} and {@code families} are null for untagged corpora.
 */
public record Sentence(List<String> words, List<String> rawTags, List<String> families) {
    public Sentence {
        words = List.copyOf(words);
        if (words.isEmpty()) throw new IllegalArgumentException("a sentence needs at least one word");
        if ((rawTags == null) != (families == null)) throw new IllegalArgumentException("rawTags and families go together");
        if (rawTags != null) {
            if (rawTags.size() != words.size() || families.size() != words.size()) {
                throw new IllegalArgumentException("words and tags differ in length");
            }
            rawTags = List.copyOf(rawTags);
            families = List.copyOf(families);
        }
    }

    /** An untagged sentence. */
    public static Sentence untagged(List<String> words) {
        return new Sentence(words, null, null);
    }

    /** A tagged sentence; families come from {@link TagFamilies}. */
    public static Sentence tagged(List<String> words, List<String> rawTags) {
        List<String> fam = new ArrayList<>(rawTags.size());
        for (String t : rawTags) fam.add(TagFamilies.family(t));
        return new Sentence(words, rawTags, fam);
    }

    public boolean isTagged() {
        return families != null;
    }

    public int size() {
        return words.size();
    }

    /** The family of word {@code i}, or null for untagged corpora. */
    public String family(int i) {
        return families == null ? null : families.get(i);
    }

    /**
     * The sentence as text for a tokenizer, words joined by single spaces (none between two Chinese characters or
     * marks, {@link ChineseText#isCjkWord}), with the character span of every word (UTF-16 units). Brown writes quotes
     * as {@code ``} and {@code ''}: they become {@code "}.
     */
    public Text text() {
        StringBuilder sb = new StringBuilder();
        int[] start = new int[words.size()];
        int[] end = new int[words.size()];
        for (int i = 0; i < words.size(); i++) {
            if (i > 0 && !(ChineseText.isCjkWord(words.get(i - 1)) && ChineseText.isCjkWord(words.get(i)))) sb.append(' ');
            start[i] = sb.length();
            sb.append(displayWord(words.get(i)));
            end[i] = sb.length();
        }
        return new Text(sb.toString(), start, end);
    }

    static String displayWord(String w) {
        if (w.equals("``") || w.equals("''")) return "\"";
        return w;
    }

    /** A sentence rendered as text; word {@code i} spans {@code [wordStart[i], wordEnd[i])}. */
    public record Text(String text, int[] wordStart, int[] wordEnd) {
        /** The same text after one space (how a decoder sees a sentence inside running text). */
        public Text afterSpace() {
            int[] s = new int[wordStart.length];
            int[] e = new int[wordEnd.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = wordStart[i] + 1;
                e[i] = wordEnd[i] + 1;
            }
            return new Text(" " + text, s, e);
        }

        /** The index of the word covering character {@code c}, or -1 (a space). */
        public int wordAt(int c) {
            int lo = 0, hi = wordStart.length - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (c < wordStart[mid]) hi = mid - 1;
                else if (c >= wordEnd[mid]) lo = mid + 1;
                else return mid;
            }
            return -1;
        }
    }

    @Override
    public String toString() {
        return String.join(" ", words);
    }
}
