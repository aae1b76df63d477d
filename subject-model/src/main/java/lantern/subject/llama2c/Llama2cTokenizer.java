package lantern.subject.llama2c;

import lantern.subject.Encoding;
import lantern.subject.TextTokenizer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * llama2.c's {@code tokenizer.bin} (int max_token_length, then per token: float score, int length, bytes) and its
 * encoder exactly as {@code run.c} does it: a dummy-prefix space, one piece per UTF-8 code point (bytes
 * {@code <0xXX>} at ids byte+3 when the code point is not in the vocabulary), then repeatedly merge the adjacent
 * pair whose joined piece has the best score. BOS is id 1, EOS id 2.
 */
public final class Llama2cTokenizer implements TextTokenizer {
    public static final int BOS = 1;
    public static final int EOS = 2;

    private final byte[][] pieces;
    private final float[] scores;
    private final Map<String, Integer> lookup = new HashMap<>();

    private Llama2cTokenizer(byte[][] pieces, float[] scores) {
        this.pieces = pieces;
        this.scores = scores;
        for (int i = 0; i < pieces.length; i++) lookup.putIfAbsent(key(pieces[i]), i);
    }

    /** Reads {@code tokenizer.bin} for a model with {@code vocabSize} tokens (the file does not store it). */
    public static Llama2cTokenizer load(Path path, int vocabSize) {
        byte[] all;
        try {
            all = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read llama2.c tokenizer " + path + ": " + e.getMessage(), e);
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        byte[][] pieces = new byte[vocabSize][];
        float[] scores = new float[vocabSize];
        try {
            int maxLen = b.getInt();
            for (int i = 0; i < vocabSize; i++) {
                scores[i] = b.getFloat();
                int len = b.getInt();
                if (len < 0 || len > Math.max(maxLen, 0) + 16 || len > b.remaining()) {
                    throw new IllegalArgumentException("bad llama2.c tokenizer " + path + ": token " + i
                            + " claims " + len + " bytes");
                }
                pieces[i] = new byte[len];
                b.get(pieces[i]);
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("llama2.c tokenizer " + path + " ends before its " + vocabSize
                    + " tokens (truncated, or not the tokenizer of this model)");
        }
        return new Llama2cTokenizer(pieces, scores);
    }

    public int vocabSize() {
        return pieces.length;
    }

    private static String key(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1); // one char per byte: exact byte-string lookup
    }

    private int find(byte[] bytes) {
        Integer id = lookup.get(key(bytes));
        return id == null ? -1 : id;
    }

    @Override
    public Encoding encode(String text, boolean addSpecialTokens) {
        List<Integer> ids = new ArrayList<>();
        List<int[]> spans = new ArrayList<>();
        if (addSpecialTokens) {
            ids.add(BOS);
            spans.add(new int[]{-1, -1});
        }
        if (!text.isEmpty()) {
            int dummy = find(new byte[]{' '});
            if (dummy >= 0) {
                ids.add(dummy);
                spans.add(new int[]{0, 0});
            }
        }
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            byte[] utf8 = text.substring(i, next).getBytes(StandardCharsets.UTF_8);
            int id = find(utf8);
            if (id >= 0) {
                ids.add(id);
                spans.add(new int[]{i, next});
            } else {
                for (byte x : utf8) { // byte fallback: <0x00> .. <0xFF> sit at ids 3 .. 258
                    ids.add((x & 0xff) + 3);
                    spans.add(new int[]{i, next});
                }
            }
            i = next;
        }
        int firstMergeable = addSpecialTokens ? 1 : 0;
        while (true) {
            float best = -1e10f;
            int bestId = -1;
            int bestIdx = -1;
            for (int i = firstMergeable; i < ids.size() - 1; i++) {
                int id = find(concat(pieces[ids.get(i)], pieces[ids.get(i + 1)]));
                if (id >= 0 && scores[id] > best) {
                    best = scores[id];
                    bestId = id;
                    bestIdx = i;
                }
            }
            if (bestIdx < 0) break;
            ids.set(bestIdx, bestId);
            int[] a = spans.get(bestIdx);
            int[] b = spans.remove(bestIdx + 1);
            spans.set(bestIdx, new int[]{Math.min(a[0], b[0]), Math.max(a[1], b[1])});
            ids.remove(bestIdx + 1);
        }
        int n = ids.size();
        long[] out = new long[n];
        String[] tokens = new String[n];
        int[] start = new int[n];
        int[] end = new int[n];
        boolean[] special = new boolean[n];
        for (int i = 0; i < n; i++) {
            out[i] = ids.get(i);
            tokens[i] = token(out[i]);
            start[i] = spans.get(i)[0];
            end[i] = spans.get(i)[1];
            special[i] = out[i] == BOS || out[i] == EOS;
        }
        return new Encoding(out, tokens, start, end, special);
    }

    /** Byte-level run.c decoding: a leading space after BOS is dropped, {@code <0xXX>} pieces become bytes. */
    @Override
    public String decode(long[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long prev = -1;
        for (long id : ids) {
            requireId(id);
            if (id == BOS || id == EOS) {
                prev = id;
                continue;
            }
            byte[] piece = pieceBytes((int) id);
            int from = prev == BOS && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
            bytes.write(piece, from, piece.length - from);
            prev = id;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String token(long id) {
        requireId(id);
        return new String(pieceBytes((int) id), StandardCharsets.UTF_8);
    }

    /** As {@link #token}, with a byte that is not whole UTF-8 on its own shown as {@code <0xE2>}, not "�". */
    @Override
    public String displayToken(long id) {
        requireId(id);
        return lantern.subject.tokenize.TokenBytes.readable(pieceBytes((int) id));
    }

    private byte[] pieceBytes(int id) {
        byte[] p = pieces[id];
        if (p.length == 6 && p[0] == '<' && p[1] == '0' && p[2] == 'x' && p[5] == '>') {
            try {
                return new byte[]{(byte) Integer.parseInt(new String(p, 3, 2, StandardCharsets.US_ASCII), 16)};
            } catch (NumberFormatException ignored) {
                // an ordinary piece that happens to look similar
            }
        }
        return p;
    }

    private void requireId(long id) {
        if (id < 0 || id >= pieces.length) {
            throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + pieces.length);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
