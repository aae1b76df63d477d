package lantern.subject.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import lantern.subject.Encoding;
import lantern.subject.TextTokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's binding, without truncation or padding (DJL would otherwise
 * cut at 512 tokens silently). DJL reports character spans in code points; we convert them to UTF-16 indices.
 */
public final class HfTextTokenizer implements TextTokenizer, AutoCloseable {
    private static final Map<String, String> OPTIONS = Map.of("truncation", "false", "padding", "false",
            "addSpecialTokens", "true");
    private final HuggingFaceTokenizer tokenizer;

    private HfTextTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    public static HfTextTokenizer fromStream(InputStream json) {
        try {
            return new HfTextTokenizer(HuggingFaceTokenizer.newInstance(json, OPTIONS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer.json", e);
        }
    }

    public static HfTextTokenizer fromFile(Path tokenizerJson) {
        try {
            return new HfTextTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, OPTIONS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tokenizerJson, e);
        }
    }

    @Override
    public Encoding encode(String text, boolean addSpecialTokens) {
        var e = tokenizer.encode(text, addSpecialTokens, false);
        long[] ids = e.getIds();
        String[] tokens = e.getTokens();
        CharSpan[] spans = e.getCharTokenSpans();
        long[] specialMask = e.getSpecialTokenMask();
        int n = ids.length;
        int[] start = new int[n];
        int[] end = new int[n];
        boolean[] special = new boolean[n];
        int[] cpToChar = codePointToCharIndex(text);
        for (int i = 0; i < n; i++) {
            CharSpan s = spans[i];
            special[i] = specialMask[i] != 0 || s == null;
            if (s == null) {
                start[i] = -1;
                end[i] = -1;
            } else {
                start[i] = cpToChar[Math.min(s.getStart(), cpToChar.length - 1)];
                end[i] = cpToChar[Math.min(s.getEnd(), cpToChar.length - 1)];
            }
        }
        return new Encoding(ids, tokens, start, end, special);
    }

    /** cpToChar[k] is the UTF-16 index of code point k; the last entry is text.length(). */
    private static int[] codePointToCharIndex(String text) {
        int count = text.codePointCount(0, text.length());
        int[] map = new int[count + 1];
        int ci = 0;
        for (int k = 0; k < count; k++) {
            map[k] = ci;
            ci += Character.charCount(text.codePointAt(ci));
        }
        map[count] = text.length();
        return map;
    }

    @Override
    public String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    @Override
    public String token(long id) {
        return tokenizer.decode(new long[]{id}, false);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
