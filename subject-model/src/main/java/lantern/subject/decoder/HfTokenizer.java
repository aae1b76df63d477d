package lantern.subject.decoder;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import lantern.subject.Encoding;
import lantern.subject.TextTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Hugging Face {@code tokenizer.json} through DJL, never truncating (DJL cuts at 512 tokens by default). DJL's
 * character spans count code points; we convert them to UTF-16 offsets, which is what Java strings index by.
 */
public final class HfTokenizer implements TextTokenizer, AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;

    private HfTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    public static HfTokenizer load(Path tokenizerJson) {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IllegalArgumentException("no tokenizer.json at " + tokenizerJson);
        }
        try {
            return new HfTokenizer(HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optTruncation(false)
                    .optPadding(false)
                    .optAddSpecialTokens(false)
                    .build());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Encoding encode(String text, boolean addSpecialTokens) {
        var enc = tokenizer.encode(text, addSpecialTokens, false);
        long[] ids = enc.getIds();
        String[] tokens = enc.getTokens();
        CharSpan[] spans = enc.getCharTokenSpans();
        long[] specialMask = enc.getSpecialTokenMask();
        int n = ids.length;
        int[] start = new int[n];
        int[] end = new int[n];
        boolean[] special = new boolean[n];
        int cpCount = text.codePointCount(0, text.length());
        for (int i = 0; i < n; i++) {
            special[i] = specialMask != null && i < specialMask.length && specialMask[i] == 1;
            CharSpan s = spans == null || i >= spans.length ? null : spans[i];
            if (s == null || special[i]) {
                start[i] = -1;
                end[i] = -1;
            } else {
                start[i] = text.offsetByCodePoints(0, Math.min(s.getStart(), cpCount));
                end[i] = text.offsetByCodePoints(0, Math.min(s.getEnd(), cpCount));
            }
        }
        return new Encoding(ids, tokens, start, end, special);
    }

    @Override
    public String decode(long[] ids) {
        return tokenizer.decode(ids, false);
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
