package lantern.collect;

import java.util.Arrays;
import java.util.List;

/**
 * A corpus cut into model sequences, kept compactly: the text tokens of every sequence back to back (special tokens
 * are not stored: every sequence is {@code prefix + text + suffix}), each token's tag id and word-start flag, and
 * where each sequence starts and which document it came from. Windows are rebuilt from here by (sequence, start,
 * length), so stored records need no token strings of their own.
 *
 * @param ids        text token ids of all sequences, back to back
 * @param tags       index into {@code tagNames} of the token's word's tag family, -1 where unknown
 * @param wordStart  whether the token begins a corpus word
 * @param seqStart   token offset of each sequence; {@code seqStart[sequences()] == ids.length}
 * @param seqDoc     index into {@code docIds} of each sequence's document
 * @param prefix     special ids before each sequence's text ([CLS])
 * @param suffix     special ids after it ([SEP])
 * @param display    how a token shows where that differs from its id's string: decoder tokens holding part of one
 *                   UTF-8 character (byte-level BPE, SentencePiece byte fallback) show the whole character on the
 *                   token that starts it and nothing on the rest, so a window's text is the corpus text
 */
public record TokenStream(int[] ids, short[] tags, boolean[] wordStart, int[] seqStart, int[] seqDoc,
                          List<String> tagNames, List<String> docIds, List<String> docGenres,
                          long[] prefix, long[] suffix, java.util.Map<Integer, String> display) {
    public TokenStream(int[] ids, short[] tags, boolean[] wordStart, int[] seqStart, int[] seqDoc,
                       List<String> tagNames, List<String> docIds, List<String> docGenres, long[] prefix, long[] suffix) {
        this(ids, tags, wordStart, seqStart, seqDoc, tagNames, docIds, docGenres, prefix, suffix, java.util.Map.of());
    }

    public TokenStream {
        display = display == null ? java.util.Map.of() : java.util.Map.copyOf(display);
        if (tags.length != ids.length || wordStart.length != ids.length) throw new IllegalArgumentException("ragged token stream");
        if (seqStart.length != seqDoc.length + 1 || seqStart[seqStart.length - 1] != ids.length) {
            throw new IllegalArgumentException("sequence offsets do not cover the tokens");
        }
        tagNames = List.copyOf(tagNames);
        docIds = List.copyOf(docIds);
        docGenres = docGenres.stream().map(g -> g == null ? "" : g).toList();
    }

    public int sequences() {
        return seqDoc.length;
    }

    /** Text tokens in all sequences (special tokens not counted). */
    public long tokens() {
        return ids.length;
    }

    /** Text tokens of sequence {@code s}. */
    public int length(int s) {
        return seqStart[s + 1] - seqStart[s];
    }

    /** The ids the model reads for sequence {@code s}: prefix, text, suffix. */
    public long[] modelIds(int s) {
        int len = length(s);
        long[] out = new long[prefix.length + len + suffix.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        for (int i = 0; i < len; i++) out[prefix.length + i] = ids[seqStart[s] + i];
        System.arraycopy(suffix, 0, out, prefix.length + len, suffix.length);
        return out;
    }

    /** How token {@code token} shows when it differs from its id's string, else null. */
    public String display(int token) {
        return display.get(token);
    }

    /** The tag family of a token, or null. */
    public String tag(int token) {
        return tags[token] < 0 ? null : tagNames.get(tags[token]);
    }

    /** The most text tokens any sequence holds. */
    public int maxLength() {
        int m = 0;
        for (int s = 0; s < sequences(); s++) m = Math.max(m, length(s));
        return m;
    }

    /** Distinct token ids used, ascending. */
    public int[] vocabulary() {
        return Arrays.stream(ids).distinct().sorted().toArray();
    }
}
