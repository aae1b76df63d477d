package lantern.collect;

import java.util.Arrays;

/**
 * Quantiles of a sample without sorting all of it: only the order statistics the levels need (two per level, around
 * {@code level * (count - 1)}) are found ({@link Buckets}: count by the top bits, sort only the buckets that hold a
 * wanted rank). A collection's finish asks for four levels of 2,000 sampled values for every neuron (36,864 of them
 * for GPT-2 small); a whole sort per neuron was half of the Java samples of a 4,000-token GPT-2-small collection
 * (JFR). CPU per neuron, 2,000 GELU-shaped values, warm: 8-13 us against the sort's 16-21 us.
 *
 * <p>The result is bit for bit what sorting gives ({@link ActivationCollector#quantile} on the sorted sample): values
 * are compared as {@link Float#compare} orders them ({@code -0.0} before {@code 0.0}), through integer keys with
 * that order, and the value at a rank is the sample's own value there. A sample holding a NaN is sorted whole (as
 * before), so NaNs come out exactly as the sort places them.
 */
final class OrderStatistics {
    private OrderStatistics() {
    }

    /**
     * The quantiles of {@code values[0, count)} at {@code levels} into {@code out[at ...]}; {@code values} is left
     * reordered. {@code keys} is scratch space of at least {@code count} ints.
     */
    static void quantiles(float[] values, int count, double[] levels, int[] keys, float[] out, int at) {
        if (count == 0) throw new IllegalArgumentException("no values");
        for (int i = 0; i < count; i++) {
            float v = values[i];
            if (v != v) {  // NaN: the sort's placement of NaNs is kept exactly
                Arrays.sort(values, 0, count);
                float[] sorted = count == values.length ? values : Arrays.copyOf(values, count);
                for (int q = 0; q < levels.length; q++) out[at + q] = ActivationCollector.quantile(sorted, levels[q]);
                return;
            }
            keys[i] = key(v);
        }
        int[] ranks = new int[2 * levels.length];
        int m = 0;
        for (double level : levels) {
            int lo = lowRank(level, count);
            ranks[m++] = lo;
            ranks[m++] = Math.min(count - 1, lo + 1);
        }
        Arrays.sort(ranks, 0, m);
        int distinct = 0;
        for (int i = 0; i < m; i++) if (distinct == 0 || ranks[i] != ranks[distinct - 1]) ranks[distinct++] = ranks[i];
        Buckets.select(keys, count, ranks, distinct);
        for (int q = 0; q < levels.length; q++) {
            double pos = levels[q] * (count - 1);
            int lo = (int) Math.floor(pos);
            int hi = Math.min(count - 1, lo + 1);
            out[at + q] = interpolate(value(keys[lo]), value(keys[hi]), pos, lo);
        }
    }

    private static int lowRank(double level, int count) {
        return (int) Math.floor(level * (count - 1));
    }

    /** Linear interpolation between the order statistics at {@code lo} and {@code lo + 1}, as the sorted form does. */
    static float interpolate(float atLo, float atHi, double pos, int lo) {
        return (float) (atLo + (pos - lo) * (atHi - atLo));
    }

    /** An int whose signed order is {@link Float#compare}'s order of non-NaN floats; its own inverse. */
    static int key(float v) {
        int bits = Float.floatToRawIntBits(v);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    static float value(int key) {
        return Float.intBitsToFloat(key ^ ((key >> 31) & 0x7fffffff));
    }

    /**
     * Selection by the keys' top bits: one pass counts the values per bucket (the top {@link #BITS} bits of the key in
     * unsigned order), the buckets holding a wanted rank are found from the counts, only their values are gathered
     * and sorted. Every pass is a plain loop over the sample; the sorts are of small buckets unless the values crowd
     * into one (then it costs what one sort costs).
     */
    static final class Buckets {
        static final int BITS = 11;
        private static final ThreadLocal<int[][]> SCRATCH = ThreadLocal.withInitial(() -> new int[][]{new int[1 << BITS], new int[0], new int[1 << BITS]});

        /** Puts at every wanted rank (ascending, distinct) of {@code keys[0, count)} the key a sort would put there. */
        static void select(int[] keys, int count, int[] ranks, int m) {
            int[][] scratch = SCRATCH.get();
            int[] counts = scratch[0];
            Arrays.fill(counts, 0);
            int shift = 32 - BITS;
            for (int i = 0; i < count; i++) counts[(keys[i] ^ 0x80000000) >>> shift]++;
            // the bucket of every wanted rank, and where that bucket starts in sorted order
            int[] bucketOf = new int[m];
            int[] startOf = new int[m];
            int r = 0, below = 0;
            for (int bucket = 0; bucket < counts.length && r < m; bucket++) {
                int c = counts[bucket];
                while (r < m && ranks[r] < below + c) {
                    bucketOf[r] = bucket;
                    startOf[r] = below;
                    r++;
                }
                below += c;
            }
            // gather the wanted buckets' keys, bucket after bucket, in key order of the buckets
            int total = 0;
            int distinctBuckets = 0;
            for (int i = 0; i < m; i++) {
                if (i > 0 && bucketOf[i] == bucketOf[i - 1]) continue;
                distinctBuckets++;
                total += counts[bucketOf[i]];
            }
            int[] gathered = scratch[1].length >= total ? scratch[1] : (scratch[1] = new int[Math.max(total, 2 * scratch[1].length)]);
            int at = 0;
            int[] wantedStart = new int[distinctBuckets];
            int[] wantedBucket = new int[distinctBuckets];
            for (int i = 0, d = 0; i < m; i++) {
                if (i > 0 && bucketOf[i] == bucketOf[i - 1]) continue;
                int b = bucketOf[i];
                wantedStart[d] = at;
                wantedBucket[d++] = b;
                at += counts[b];
            }
            // fill[b]: the next write position of a wanted bucket b, -1 for the others
            int[] fill = scratch[2];
            Arrays.fill(fill, -1);
            for (int d = 0; d < distinctBuckets; d++) fill[wantedBucket[d]] = wantedStart[d];
            for (int i = 0; i < count; i++) {
                int k = keys[i];
                int b = (k ^ 0x80000000) >>> shift;
                int pos = fill[b];
                if (pos >= 0) {
                    gathered[pos] = k;
                    fill[b] = pos + 1;
                }
            }
            for (int d = 0; d < distinctBuckets; d++) {
                int from = wantedStart[d];
                int to = d + 1 < distinctBuckets ? wantedStart[d + 1] : total;
                Arrays.sort(gathered, from, to);
            }
            for (int i = 0, d = -1; i < m; i++) {
                if (i == 0 || bucketOf[i] != bucketOf[i - 1]) d++;
                keys[ranks[i]] = gathered[wantedStart[d] + ranks[i] - startOf[i]];
            }
        }
    }
}
