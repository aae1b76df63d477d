package lantern.collect;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * What a collection of a token stream with given options will do, decided before any activation is read and the
 * same wherever it is computed: the length-sorted batches (the unit of work: a batch is digested whole, by one
 * process), the random windows, the sequences sampled for quantile windows, and how each batch's uniform token sample
 * is drawn (from a generator seeded by (seed, batch index) alone). A collection over any set of batches is a
 * {@link CollectorState}; states of disjoint sets merge exactly, so the batches can be collected in any grouping, in
 * one process or many.
 */
public final class CollectionPlan {
    /** Batches' worth of sequences sorted by length together (see {@link #batchesByLength}). */
    static final int SORT_BLOCK = 16;

    final TokenStream stream;
    final CollectOptions options;
    final int[] layers;
    final int width;
    final List<int[]> batches;
    final List<Window> randomWindows;
    final int[] quantileSeqs;
    final Map<Integer, Integer> quantileIndex = new HashMap<>();
    final Map<Integer, List<Integer>> randomBySeq = new HashMap<>();
    final double sampleRate;
    /** {@code tokensBefore[b]}: text tokens of the batches before batch {@code b} ({@code [batches]}: all). */
    final long[] tokensBefore;
    /** The batch each sequence is in. */
    final int[] batchOf;
    private String fingerprint;

    /**
     * @param layers the layers collected (resolved: {@link CollectOptions#resolveLayers})
     * @param width  neurons (or features) per layer
     */
    public CollectionPlan(TokenStream stream, CollectOptions options, int[] layers, int width) {
        this.stream = stream;
        this.options = options;
        this.layers = layers.clone();
        this.width = width;
        int sequences = stream.sequences();
        Random rnd = new Random(options.seed());
        randomWindows = randomWindows(stream, options, rnd);
        quantileSeqs = sampleSequences(sequences, Math.min(options.quantileSequences(), sequences), new Random(options.seed() + 1));
        for (int i = 0; i < quantileSeqs.length; i++) quantileIndex.put(quantileSeqs[i], i);
        for (int r = 0; r < randomWindows.size(); r++) {
            randomBySeq.computeIfAbsent(randomWindows.get(r).sequence(), x -> new ArrayList<>()).add(r);
        }
        sampleRate = Math.min(1.0, (double) options.quantileSamples() / Math.max(1, stream.tokens()));
        batches = batchesByLength(stream, options.batchSize());
        tokensBefore = new long[batches.size() + 1];
        batchOf = new int[sequences];
        for (int b = 0; b < batches.size(); b++) {
            long t = 0;
            for (int s : batches.get(b)) {
                t += stream.length(s);
                batchOf[s] = b;
            }
            tokensBefore[b + 1] = tokensBefore[b] + t;
        }
    }

    public TokenStream stream() {
        return stream;
    }

    public CollectOptions options() {
        return options;
    }

    public int[] layers() {
        return layers.clone();
    }

    public int width() {
        return width;
    }

    public int batchCount() {
        return batches.size();
    }

    /** Text tokens of batches {@code from} (inclusive) to {@code to} (exclusive). */
    public long tokens(int from, int to) {
        return tokensBefore[to] - tokensBefore[from];
    }

    /**
     * A SHA-256 of everything the plan is made of (the token stream's digest, the options, the layers, the width),
     * recorded in a {@link CollectorState}'s bytes so that states of different plans are never merged.
     */
    public synchronized String fingerprint() {
        if (fingerprint == null) {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                String text = String.join("|", CheckpointKey.digest(stream), Arrays.toString(layers),
                        Integer.toString(width), String.join("|", CheckpointKey.optionFields(options).values()));
                md.update(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                fingerprint = java.util.HexFormat.of().formatHex(md.digest());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }
        return fingerprint;
    }

    /**
     * The rows ({@code b * T + position}) of batch {@code index}'s text tokens sampled for the quantile estimate, each
     * with probability {@link #sampleRate}. The generator is seeded from (seed, batch index) alone, so whoever digests
     * the batch, and whenever, draws the same rows.
     */
    long[] sampledRows(Batch batch, int index) {
        int prefix = stream.prefix().length;
        SplittableRandom rnd = new SplittableRandom(mix64(mix64(options.seed() + 2) + index));
        long[] rows = new long[16];
        int count = 0;
        for (int b = 0; b < batch.size; b++) {
            for (int t = 0; t < stream.length(batch.seqs[b]); t++) {
                if (sampleRate >= 1 || rnd.nextDouble() < sampleRate) {
                    if (count == rows.length) rows = Arrays.copyOf(rows, 2 * count);
                    rows[count++] = (long) b * batch.t + prefix + t;
                }
            }
        }
        return Arrays.copyOf(rows, count);
    }

    /** SplitMix64's finalizer: spreads nearby seeds (seed, seed + 1, ...) over unrelated generator states. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * The stream's sequences in batches of similar length, so little of each forward pass is padding: every
     * {@link #SORT_BLOCK} batches' worth of sequences (in stream order) are sorted by length (stable) and cut into
     * batches. On Brown in sequences of 64 this raises the real share of the tokens run from 0.77 to 0.97.
     */
    public static List<int[]> batchesByLength(TokenStream stream, int batchSize) {
        int sequences = stream.sequences();
        int block = batchSize * SORT_BLOCK;
        List<int[]> out = new ArrayList<>();
        for (int from = 0; from < sequences; from += block) {
            int to = Math.min(sequences, from + block);
            Integer[] order = new Integer[to - from];
            for (int i = 0; i < order.length; i++) order[i] = from + i;
            Arrays.sort(order, Comparator.comparingInt(stream::length));
            for (int i = 0; i < order.length; i += batchSize) {
                int[] seqs = new int[Math.min(batchSize, order.length - i)];
                for (int k = 0; k < seqs.length; k++) seqs[k] = order[i + k];
                out.add(seqs);
            }
        }
        return out;
    }

    private static List<Window> randomWindows(TokenStream stream, CollectOptions opt, Random rnd) {
        int count = Math.min(opt.randomWindows(), stream.sequences());
        int[] seqs = sampleSequences(stream.sequences(), count, rnd);
        Arrays.sort(seqs);
        List<Window> out = new ArrayList<>();
        for (int s : seqs) {
            int center = rnd.nextInt(stream.length(s));
            out.add(Window.around(s, center, stream.length(s), opt.halfWindow()));
        }
        return List.copyOf(out);
    }

    /** {@code count} distinct sequence indices out of {@code total}, ascending. */
    static int[] sampleSequences(int total, int count, Random rnd) {
        int[] all = new int[total];
        for (int i = 0; i < total; i++) all[i] = i;
        for (int i = 0; i < count; i++) {
            int j = i + rnd.nextInt(total - i);
            int tmp = all[i];
            all[i] = all[j];
            all[j] = tmp;
        }
        int[] out = Arrays.copyOf(all, count);
        Arrays.sort(out);
        return out;
    }
}
