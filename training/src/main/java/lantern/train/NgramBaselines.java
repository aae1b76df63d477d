package lantern.train;

import java.util.Arrays;

/**
 * Count baselines fitted on a training token stream: an add-one unigram and an interpolated Kneser–Ney trigram
 * (Chen &amp; Goodman's interpolated KN with one discount per order, {@code D = n1 / (n1 + 2 n2)}; the lowest order
 * interpolates with the uniform distribution, so no token gets zero probability). Counts are kept as sorted arrays of
 * packed ids, so fitting is deterministic and light on memory.
 */
public final class NgramBaselines {
    private static final int BITS = 21;
    private final int vocab;
    private final long total;
    private final long[] unigram;
    // trigram keys (u, v, w) sorted, with counts
    private final long[] tri;
    private final int[] triCount;
    // distinct (v, w) bigram types that have a left neighbour, by key (v, w) sorted, with N1+(. v w)
    private final long[] bi;
    private final int[] biLeft;
    private final long[] midTypes; // N1+(. v .) per v
    private final long[] followTypes; // distinct w with N1+(. v w) > 0, per v
    private final long[] unigramLeft; // N1+(. w) per w
    private final long bigramTypes;
    private final long unigramTypes;
    private final double d1;
    private final double d2;
    private final double d3;

    public NgramBaselines(int[] train, int vocab) {
        if (vocab >= 1 << BITS) throw new IllegalArgumentException("vocabulary too large for packed n-grams");
        this.vocab = vocab;
        this.total = train.length;
        unigram = new long[vocab];
        for (int t : train) unigram[t]++;
        long[] keys = new long[Math.max(0, train.length - 2)];
        for (int i = 2; i < train.length; i++) keys[i - 2] = pack(train[i - 2], train[i - 1], train[i]);
        Arrays.sort(keys);
        int n = unique(keys);
        tri = new long[n];
        triCount = new int[n];
        fillCounts(keys, tri, triCount);
        d3 = discount(triCount);
        // bigram continuation counts: distinct u per (v, w)
        long[] vw = new long[n];
        for (int i = 0; i < n; i++) vw[i] = tri[i] & ((1L << (2 * BITS)) - 1);
        Arrays.sort(vw);
        int m = unique(vw);
        bi = new long[m];
        biLeft = new int[m];
        fillCounts(vw, bi, biLeft);
        d2 = discount(biLeft);
        midTypes = new long[vocab];
        followTypes = new long[vocab];
        unigramLeft = new long[vocab];
        for (int i = 0; i < m; i++) {
            int v = (int) (bi[i] >>> BITS);
            int w = (int) (bi[i] & ((1L << BITS) - 1));
            midTypes[v] += biLeft[i];
            followTypes[v]++;
            unigramLeft[w]++;
        }
        bigramTypes = m;
        long types = 0;
        int[] leftCounts = new int[vocab];
        for (int w = 0; w < vocab; w++) {
            if (unigramLeft[w] > 0) types++;
            leftCounts[w] = (int) unigramLeft[w];
        }
        unigramTypes = types;
        d1 = discount(leftCounts);
    }

    private static long pack(int u, int v, int w) {
        return ((long) u << (2 * BITS)) | ((long) v << BITS) | w;
    }

    private static int unique(long[] sorted) {
        int n = 0;
        for (int i = 0; i < sorted.length; i++) if (i == 0 || sorted[i] != sorted[i - 1]) n++;
        return n;
    }

    private static void fillCounts(long[] sorted, long[] keys, int[] counts) {
        int k = -1;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) keys[++k] = sorted[i];
            counts[k]++;
        }
    }

    private static double discount(int[] counts) {
        long n1 = 0, n2 = 0;
        for (int c : counts) {
            if (c == 1) n1++;
            if (c == 2) n2++;
        }
        return n1 + n2 == 0 ? 0.5 : Math.min(0.95, Math.max(0.05, (double) n1 / (n1 + 2.0 * n2)));
    }

    /** Add-one unigram probability. */
    public double unigram(int w) {
        return (unigram[w] + 1.0) / (total + vocab);
    }

    /** Interpolated Kneser–Ney probability of {@code w} after {@code u v}; pass -1 for missing history. */
    public double trigram(int u, int v, int w) {
        double p2 = bigramKn(v, w);
        if (u < 0 || v < 0) return p2;
        long lo = pack(u, v, 0);
        int from = lowerBound(tri, lo);
        int to = lowerBound(tri, lo + (1L << BITS));
        if (from == to) return p2;
        long ctx = 0;
        int here = 0;
        for (int i = from; i < to; i++) {
            ctx += triCount[i];
            if ((tri[i] & ((1L << BITS) - 1)) == w) here = triCount[i];
        }
        return (Math.max(here - d3, 0) + d3 * (to - from) * p2) / ctx;
    }

    private double bigramKn(int v, int w) {
        double p1 = unigramKn(w);
        if (v < 0 || midTypes[v] == 0) return p1;
        int i = Arrays.binarySearch(bi, ((long) v << BITS) | w);
        int left = i >= 0 ? biLeft[i] : 0;
        return (Math.max(left - d2, 0) + d2 * followTypes[v] * p1) / midTypes[v];
    }

    private double unigramKn(int w) {
        return (Math.max(unigramLeft[w] - d1, 0) + d1 * unigramTypes / (double) vocab) / bigramTypes;
    }

    private static int lowerBound(long[] a, long key) {
        int i = Arrays.binarySearch(a, key);
        if (i < 0) return -i - 1;
        while (i > 0 && a[i - 1] == key) i--;
        return i;
    }

    /**
     * Summed negative log-likelihoods (nats) of the unigram and the trigram over the same targets the neural model
     * is scored on ({@link DecoderTrainer#windows}): each window predicts its tokens 1.., with history only from the
     * window, as the model sees it. Returns {unigramNll, trigramNll, targets}.
     */
    public double[] heldOutNll(int[] stream, int ctx) {
        double uni = 0, triNll = 0;
        long n = 0;
        for (int[] w : DecoderTrainer.windows(stream, ctx)) {
            for (int j = 1; j < w.length; j++) {
                uni -= Math.log(unigram(w[j]));
                triNll -= Math.log(trigram(j >= 2 ? w[j - 2] : -1, w[j - 1], w[j]));
                n++;
            }
        }
        return new double[]{uni, triNll, n};
    }
}
