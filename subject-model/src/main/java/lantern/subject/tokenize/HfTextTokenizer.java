package lantern.subject.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import lantern.subject.Encoding;
import lantern.subject.TextTokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's binding, without truncation or padding (DJL would otherwise
 * cut at 512 tokens silently). DJL reports character spans in code points; we convert them to UTF-16 indices.
 * One implementation serves the encoder (BERT) and the decoders; {@link Options} holds where they differ.
 */
public final class HfTextTokenizer implements TextTokenizer, AutoCloseable {
    /**
     * How special tokens are treated.
     *
     * @param addSpecialTokensByDefault DJL's default for calls that do not say (ours always say)
     * @param blankSpecialSpans         give special tokens span (-1, -1) even where DJL reports one (a special
     *                                  token's text written literally in the input)
     * @param decodeSkipsSpecialTokens  whether {@link #decode} leaves special tokens out of the text
     */
    public record Options(boolean addSpecialTokensByDefault, boolean blankSpecialSpans,
                          boolean decodeSkipsSpecialTokens) {
        /** For an encoder's tokenizer (sentence embeddings, activation collection). */
        public static final Options ENCODER = new Options(true, false, true);
        /** For a generating decoder: generated text keeps its special tokens (e.g. end-of-text) visible. */
        public static final Options DECODER = new Options(false, true, false);

        Map<String, String> djlOptions() {
            return Map.of("truncation", "false", "padding", "false",
                    "addSpecialTokens", Boolean.toString(addSpecialTokensByDefault));
        }
    }

    private final HuggingFaceTokenizer tokenizer;
    private final Options options;
    /** The tokenizer.json read for {@link #token}'s byte fallback (null: none, e.g. read from a stream). */
    private final Path file;
    private volatile String[] byteLevelVocab;
    private volatile boolean vocabRead;

    private HfTextTokenizer(HuggingFaceTokenizer tokenizer, Options options) {
        this(tokenizer, options, null);
    }

    private HfTextTokenizer(HuggingFaceTokenizer tokenizer, Options options, Path file) {
        this.tokenizer = tokenizer;
        this.options = options;
        this.file = file;
    }

    public static HfTextTokenizer fromStream(InputStream json) {
        try {
            return new HfTextTokenizer(HuggingFaceTokenizer.newInstance(json, Options.ENCODER.djlOptions()),
                    Options.ENCODER);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer.json", e);
        }
    }

    public static HfTextTokenizer fromFile(Path tokenizerJson) {
        try {
            return new HfTextTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, Options.ENCODER.djlOptions()),
                    Options.ENCODER, tokenizerJson);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tokenizerJson, e);
        }
    }

    /** Loads a {@code tokenizer.json} file; a missing or unreadable file is an IllegalArgumentException. */
    public static HfTextTokenizer load(Path tokenizerJson, Options options) {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IllegalArgumentException("no tokenizer.json at " + tokenizerJson);
        }
        try {
            return new HfTextTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, options.djlOptions()), options, tokenizerJson);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
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
            CharSpan s = spans == null || i >= spans.length ? null : spans[i];
            boolean masked = specialMask != null && i < specialMask.length && specialMask[i] != 0;
            // a token without a span (added by a post-processor) is special; with blank spans only the mask decides
            special[i] = masked || (s == null && !options.blankSpecialSpans());
            if (s == null || (masked && options.blankSpecialSpans())) {
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
        return tokenizer.decode(ids, options.decodeSkipsSpecialTokens());
    }

    @Override
    public String token(long id) {
        return tokenizer.decode(new long[]{id}, false);
    }

    /**
     * The token as text; a byte-level BPE token that is not whole UTF-8 on its own (decoded alone it is "�") shows
     * its bytes readably, e.g. {@code <0xE2><0x80>} (see {@link TokenBytes}).
     */
    @Override
    public String displayToken(long id) {
        String s = token(id);
        if (s.indexOf('\uFFFD') < 0 || file == null) return s;
        String[] vocab = byteLevelVocab();
        if (vocab == null || id < 0 || id >= vocab.length || vocab[(int) id] == null) return s;
        byte[] bytes = TokenBytes.byteLevelBytes(vocab[(int) id]);
        return bytes == null ? s : TokenBytes.readable(bytes);
    }

    /** Read once, on the first token that needs it. */
    private String[] byteLevelVocab() {
        if (!vocabRead) {
            synchronized (this) {
                if (!vocabRead) {
                    byteLevelVocab = TokenBytes.byteLevelVocab(file);
                    vocabRead = true;
                }
            }
        }
        return byteLevelVocab;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
