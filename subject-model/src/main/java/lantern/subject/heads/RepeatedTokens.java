package lantern.subject.heads;

import lantern.errors.InvalidInputException;
import lantern.subject.HookedModel;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * The probe of head roles, as TransformerLens and ARENA build it: {@code length} random tokens, then the same tokens
 * again, inside the model's frame (BOS for decoders; [CLS] .. [SEP] for BERT). Every row has the layout
 * {@code prefix | r_0 .. r_{N-1} | r_0 .. r_{N-1} | suffix}.
 *
 * @param rows   the token rows the model runs, {@code [batch][prefix + 2 N + suffix]}
 * @param prefix how many frame tokens come before the first copy
 * @param length N, the tokens in one copy
 * @param seed   the seed the random tokens came from; null when the caller gave them
 */
public record RepeatedTokens(long[][] rows, int prefix, int length, Long seed) {
    public static final int MIN_LENGTH = 2;

    public RepeatedTokens {
        rows = Arrays.stream(rows).map(long[]::clone).toArray(long[][]::new);
    }

    @Override
    public long[][] rows() {
        return Arrays.stream(rows).map(long[]::clone).toArray(long[][]::new);
    }

    public int batch() {
        return rows.length;
    }

    /** Tokens per row, frame included. */
    public int tokens() {
        return rows[0].length;
    }

    /** Position of token {@code k} of the first copy. */
    public int first(int k) {
        return prefix + k;
    }

    /** Position of token {@code k} of the second (repeated) copy. */
    public int second(int k) {
        return prefix + length + k;
    }

    /** The first copy of row {@code row} (the random tokens). */
    public long[] copy(int row) {
        return Arrays.copyOfRange(rows[row], prefix, prefix + length);
    }

    /**
     * {@code batch} rows of {@code length} tokens drawn uniformly (seeded) from the vocabulary, skipping the frame's
     * own ids (BOS, [CLS], [SEP]), each repeated once.
     */
    public static RepeatedTokens random(HookedModel model, int length, int batch, long seed) {
        if (batch < 1) throw new InvalidInputException("batch must be at least 1, got " + batch);
        checkLength(model, length);
        HookedModel.SequenceFrame frame = model.frame();
        Set<Long> skip = new HashSet<>();
        for (long id : frame.prefix()) skip.add(id);
        for (long id : frame.suffix()) skip.add(id);
        int vocab = model.info().vocabSize();
        if (vocab - skip.size() < 2) throw new InvalidInputException("vocabulary too small to draw random tokens from");
        Random random = new Random(seed);
        long[][] copies = new long[batch][length];
        for (long[] copy : copies) {
            for (int k = 0; k < length; k++) {
                long id;
                do {
                    id = random.nextInt(vocab);
                } while (skip.contains(id));
                copy[k] = id;
            }
        }
        return build(model, copies, seed);
    }

    /** One row made of the caller's tokens (the first copy), checked against the vocabulary. */
    public static RepeatedTokens of(HookedModel model, long[] tokens) {
        if (tokens == null) throw new InvalidInputException("tokens must be a list of token ids");
        checkLength(model, tokens.length);
        int vocab = model.info().vocabSize();
        for (int k = 0; k < tokens.length; k++) {
            if (tokens[k] < 0 || tokens[k] >= vocab) {
                throw new InvalidInputException("token id " + tokens[k] + " (at index " + k + ") is outside the vocabulary"
                        + " of model " + model.info().id() + " (0.." + (vocab - 1) + ")");
            }
        }
        return build(model, new long[][]{tokens}, null);
    }

    private static void checkLength(HookedModel model, int length) {
        HookedModel.SequenceFrame frame = model.frame();
        int room = (model.info().contextLength() - frame.prefix().length - frame.suffix().length) / 2;
        if (length < MIN_LENGTH || length > room) {
            throw new InvalidInputException("the repeated sequence must hold " + MIN_LENGTH + ".." + room + " tokens per copy"
                    + " (model " + model.info().id() + " has a context of " + model.info().contextLength()
                    + " tokens), got " + length);
        }
    }

    private static RepeatedTokens build(HookedModel model, long[][] copies, Long seed) {
        HookedModel.SequenceFrame frame = model.frame();
        long[] pre = frame.prefix();
        long[] suf = frame.suffix();
        int n = copies[0].length;
        long[][] rows = new long[copies.length][pre.length + 2 * n + suf.length];
        for (int r = 0; r < copies.length; r++) {
            long[] row = rows[r];
            System.arraycopy(pre, 0, row, 0, pre.length);
            System.arraycopy(copies[r], 0, row, pre.length, n);
            System.arraycopy(copies[r], 0, row, pre.length + n, n);
            System.arraycopy(suf, 0, row, pre.length + 2 * n, suf.length);
        }
        return new RepeatedTokens(rows, pre.length, n, seed);
    }
}
