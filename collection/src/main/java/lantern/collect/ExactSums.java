package lantern.collect;

import java.io.IOException;
import java.math.BigInteger;

/**
 * Every neuron's sum of activations, kept exactly, so that sums added in any grouping (batches in another order,
 * partitions merged on another machine, a run resumed from a checkpoint) are the same to the last bit. A
 * {@code double} running sum is not: {@code (a + b) + c} and {@code a + (b + c)} round differently.
 *
 * <p>Each value added is a batch's sum of float activations, accumulated in a double in the batch's fixed order, so
 * it is a multiple of 2<sup>-149</sup> (the smallest float step; a double sum of floats stays on that grid) and below
 * 2<sup>160</sup> in magnitude (at most 2<sup>31</sup> floats, each below 2<sup>128</sup>). Such a number is an
 * integer count of 2<sup>-149</sup> steps of at most 309 bits: it is added as three 32-bit digits into {@link #WORDS}
 * signed 64-bit words per neuron, the value being {@code sum(words[i] * 2^(32 i - 149))}. Integer addition is exact
 * and associative; each word takes a 32-bit digit per batch, so 2<sup>31</sup> batches fit before a word could
 * overflow. Infinities and NaN (an activation or a float sequence sum that overflowed) are kept as flags, combined
 * as a double sum would combine them.
 */
final class ExactSums {
    /** 32-bit digits per neuron: 309 bits of value and the two digits above the highest a value can start at. */
    static final int WORDS = 11;
    private static final int BIAS = 149;
    private static final int MAX_START = 32 * (WORDS - 3);
    private static final long DIGIT = 0xFFFF_FFFFL;
    private static final byte NAN = 1, POS_INF = 2, NEG_INF = 4;

    final int n;
    final long[] words;
    final byte[] special;

    ExactSums(int n) {
        this.n = n;
        words = new long[n * WORDS];
        special = new byte[n];
    }

    /** Adds {@code x} (a sum of floats: a multiple of 2^-149 below 2^160) to neuron {@code j}'s sum, exactly. */
    void add(int j, double x) {
        long bits = Double.doubleToRawLongBits(x);
        int exp = (int) (bits >>> 52) & 0x7ff;
        long m = bits & 0xF_FFFF_FFFF_FFFFL;
        if (exp == 0x7ff) {
            special[j] |= m != 0 ? NAN : bits < 0 ? NEG_INF : POS_INF;
            return;
        }
        if (exp == 0 && m == 0) return;  // a zero adds nothing
        int p;  // where m's lowest bit sits, in 2^-149 steps
        if (exp == 0) {
            p = -1074 + BIAS;
        } else {
            m |= 1L << 52;
            p = exp - 1075 + BIAS;
        }
        if (p < 0) {
            if (Long.numberOfTrailingZeros(m) < -p) throw new IllegalArgumentException("not a sum of floats: " + x);
            m >>>= -p;
            p = 0;
        }
        if (p > MAX_START + 31) throw new IllegalArgumentException("a batch sum too large to be a sum of floats: " + x);
        int at = j * WORDS + (p >>> 5);
        int r = p & 31;
        long low = (m << r) & DIGIT;
        long high = m >>> (32 - r);  // m * 2^r from bit 32 up (for r = 0, m >>> 32)
        if (bits < 0) {
            words[at] -= low;
            words[at + 1] -= high & DIGIT;
            words[at + 2] -= high >>> 32;
        } else {
            words[at] += low;
            words[at + 1] += high & DIGIT;
            words[at + 2] += high >>> 32;
        }
    }

    /** Adds another set of sums of the same width into these, exactly. */
    void addAll(ExactSums other) {
        if (other.n != n) throw new IllegalArgumentException("sums of " + other.n + " neurons into " + n);
        for (int i = 0; i < words.length; i++) words[i] += other.words[i];
        for (int j = 0; j < n; j++) special[j] |= other.special[j];
    }

    /** Neuron {@code j}'s sum, rounded once to the nearest double. */
    double value(int j) {
        byte s = special[j];
        if ((s & NAN) != 0 || s == (POS_INF | NEG_INF)) return Double.NaN;
        if (s == POS_INF) return Double.POSITIVE_INFINITY;
        if (s == NEG_INF) return Double.NEGATIVE_INFINITY;
        BigInteger v = BigInteger.ZERO;
        for (int i = WORDS - 1; i >= 0; i--) v = v.shiftLeft(32).add(BigInteger.valueOf(words[j * WORDS + i]));
        return Math.scalb(v.doubleValue(), -BIAS);
    }

    void save(StateOut out) throws IOException {
        out.putLongs(words).putBytes(special);
    }

    void restore(StateIn in) throws IOException {
        in.longs(words, "exact sums");
        in.bytes(special, "sum flags");
        for (byte s : special) {
            if ((s & ~(NAN | POS_INF | NEG_INF)) != 0) throw new CorruptCheckpointException("sum flags " + s);
        }
    }
}
