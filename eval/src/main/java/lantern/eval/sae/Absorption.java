package lantern.eval.sae;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The first-letter feature-absorption metric (Chanin et al. 2024, "A is for Absorption"; SAEBench's
 * {@code absorption} eval), on activations already read at a word's token.
 *
 * <ol>
 *   <li>A softmax probe learns each word's first letter from the model's activation (training words).</li>
 *   <li>Per letter, the SAE's main latents: k-sparse probing for "starts with this letter" on SAE latents (ranked by
 *       the signed mean difference: latents that fire on the letter's words), k grown
 *       from 1 while held-out F1 improves by more than τ = 0.03 (at most {@code maxMainLatents}).</li>
 *   <li>Per held-out word the probe gets right, with the probe direction p (unit) of its letter, the activation's
 *       projection P = a·p, each latent's projection a_j·cos(p, d_j): the <b>absorption fraction</b> is 0 when the
 *       main latents' projection M ≥ P or the top (≤ 3) other latents with cos ≥ 0.1 and positive projection carry
 *       under 40% of P; 1 when M ≤ 0; else A/(A + M) with A = min(their projection, P − M). <b>Full absorption</b>:
 *       no main latent fires, P ≥ 0, and the latent with the largest projection has cos ≥ 0.025 and carries ≥ 40% of
 *       P. Thresholds as SAEBench's {@code FeatureAbsorptionCalculator}.</li>
 * </ol>
 */
public final class Absorption {
    public static final double FULL_COS = 0.025;
    public static final double FRACTION_COS = 0.1;
    public static final double PROJECTION_SHARE = 0.4;
    public static final int MAX_ABSORBERS = 3;
    public static final double SPLIT_TAU = 0.03;

    /** One word's absorption fraction and whether it is fully absorbed. */
    public record WordScore(double fraction, boolean full) {
    }

    /** Per letter: held-out words scored, main latents, mean fraction, full-absorption rate, its sparse-probe F1. */
    public record LetterResult(char letter, int words, int[] mainLatents, double meanFraction, double fullRate, double mainF1) {
    }

    /** The whole metric: the first-letter probe's held-out accuracy and the per-letter results with their means. */
    public record Result(int trainWords, int testWords, double probeAccuracy, List<LetterResult> letters,
                         double meanFraction, double meanFullRate) {
    }

    private Absorption() {
    }

    /**
     * SAEBench's per-word calculation.
     *
     * @param probeProjection a·p of the model activation on the unit probe direction
     * @param saeActs         the SAE's latent activations for that activation
     * @param cos             cos(p, W_dec[j]) for every latent
     * @param main            the letter's main latents
     */
    public static WordScore score(double probeProjection, float[] saeActs, double[] cos, int[] main) {
        boolean[] isMain = new boolean[saeActs.length];
        double mainProj = 0;
        for (int j : main) {
            isMain[j] = true;
            mainProj += saeActs[j] * cos[j];
        }
        List<Double> absorbers = new ArrayList<>();
        int top = -1;
        double topProj = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < saeActs.length; j++) {
            double proj = saeActs[j] * cos[j];
            if (proj > topProj) {
                topProj = proj;
                top = j;
            }
            if (!isMain[j] && cos[j] >= FRACTION_COS && proj > 0) absorbers.add(proj);
        }
        absorbers.sort((a, b) -> Double.compare(b, a));
        double absorbed = 0;
        for (int i = 0; i < Math.min(MAX_ABSORBERS, absorbers.size()); i++) absorbed += absorbers.get(i);
        double fraction;
        if (mainProj >= probeProjection || absorbed / probeProjection < PROJECTION_SHARE) {
            fraction = 0;
        } else if (mainProj <= 0) {
            fraction = 1;
        } else {
            double a = Math.min(absorbed, probeProjection - mainProj);
            fraction = Math.max(0, Math.min(1, a / (a + mainProj)));
        }
        boolean anyMain = false;
        for (int j : main) if (Math.abs(saeActs[j]) >= 1e-8) anyMain = true;
        boolean full = !anyMain && top >= 0 && cos[top] >= FULL_COS && probeProjection >= 0
                && topProj / probeProjection >= PROJECTION_SHARE;
        return new WordScore(fraction, full);
    }

    /**
     * The least held-out accuracy of the first-letter probe for the metric to mean something: below it the probe
     * does not find first letters in the activations, the letters' "main latents" are noise, and absorption is not
     * measurable there (a choice, stated with the result: Chanin et al. work with probes far above it).
     */
    public static final double MEASURABLE_PROBE = 0.5;

    /**
     * How well a first-letter probe reads the activations: its held-out accuracy (the same split and probe as
     * {@link #measure}) beside the majority letter's share of the held-out words (what guessing the commonest letter
     * scores).
     */
    public record LetterProbe(int trainWords, int testWords, int letters, double accuracy, double majority) {
    }

    /** The first-letter probe alone, on {@code acts} (every 5th word after a seeded shuffle held out, as in {@link #measure}). */
    public static LetterProbe letterProbe(float[][] acts, char[] letters, long seed) {
        int n = acts.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Collections.shuffle(Arrays.asList(order), new Random(seed));
        List<Integer> train = new ArrayList<>(), test = new ArrayList<>();
        for (int i = 0; i < n; i++) (i % 5 == 0 ? test : train).add(order[i]);
        String alphabet = distinctLetters(letters);
        int[] cls = new int[n];
        for (int i = 0; i < n; i++) cls[i] = alphabet.indexOf(letters[i]);
        LogisticProbe probe = LogisticProbe.multiclass(rows(acts, train), pick(cls, train), alphabet.length(), 1.0, 300);
        int correct = 0;
        int[] counts = new int[alphabet.length()];
        for (int i : test) {
            if (probe.predict(toDouble(acts[i])) == cls[i]) correct++;
            counts[cls[i]]++;
        }
        int most = Arrays.stream(counts).max().orElse(0);
        return new LetterProbe(train.size(), test.size(), alphabet.length(), test.isEmpty() ? Double.NaN : correct / (double) test.size(),
                test.isEmpty() ? Double.NaN : most / (double) test.size());
    }

    /**
     * Runs the metric on words already embedded: {@code acts[i]} the model activation at word i's token, {@code latents[i]}
     * the SAE's activations there, {@code decoder[j]} latent j's decoder row, {@code letters[i]} the word's first
     * letter (a–z). Every 5th word (after a seeded shuffle) is held out.
     */
    public static Result measure(float[][] acts, float[][] latents, float[][] decoder, char[] letters,
                                 int maxMainLatents, long seed) {
        int n = acts.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Collections.shuffle(Arrays.asList(order), new Random(seed));
        List<Integer> train = new ArrayList<>(), test = new ArrayList<>();
        for (int i = 0; i < n; i++) (i % 5 == 0 ? test : train).add(order[i]);

        String alphabet = distinctLetters(letters);
        int[] cls = new int[n];
        for (int i = 0; i < n; i++) cls[i] = alphabet.indexOf(letters[i]);
        double[][] xTrain = rows(acts, train), xTest = rows(acts, test);
        LogisticProbe probe = LogisticProbe.multiclass(xTrain, pick(cls, train), alphabet.length(), 1.0, 300);
        int correct = 0;
        boolean[] right = new boolean[n];
        for (int i : test) {
            right[i] = probe.predict(toDouble(acts[i])) == cls[i];
            if (right[i]) correct++;
        }
        Map<Character, LetterResult> out = new LinkedHashMap<>();
        for (int c = 0; c < alphabet.length(); c++) {
            char letter = alphabet.charAt(c);
            boolean[] isLetter = new boolean[n];
            int testCount = 0;
            for (int i = 0; i < n; i++) isLetter[i] = letters[i] == letter;
            for (int i : test) if (isLetter[i]) testCount++;
            if (testCount == 0) continue;
            double[] mainF1 = new double[1];
            int[] main = mainLatents(latents, isLetter, train, test, maxMainLatents, mainF1);
            float[] dir = probe.direction(c);
            double norm = Math.sqrt(SyntheticFeatures.dot(dir, dir));
            double[] cos = new double[decoder.length];
            for (int j = 0; j < decoder.length; j++) {
                double dn = Math.sqrt(SyntheticFeatures.dot(decoder[j], decoder[j]));
                cos[j] = SyntheticFeatures.dot(dir, decoder[j]) / Math.max(norm * dn, 1e-12);
            }
            double fr = 0;
            int full = 0, scored = 0;
            for (int i : test) {
                if (!isLetter[i] || !right[i]) continue;
                double proj = SyntheticFeatures.dot(acts[i], dir) / norm;
                WordScore s = score(proj, latents[i], cos, main);
                fr += s.fraction();
                if (s.full()) full++;
                scored++;
            }
            if (scored == 0) continue;
            out.put(letter, new LetterResult(letter, scored, main, fr / scored, full / (double) scored, mainF1[0]));
        }
        double mf = out.values().stream().mapToDouble(LetterResult::meanFraction).average().orElse(Double.NaN);
        double mfull = out.values().stream().mapToDouble(LetterResult::fullRate).average().orElse(Double.NaN);
        return new Result(train.size(), test.size(), test.isEmpty() ? Double.NaN : correct / (double) test.size(),
                List.copyOf(out.values()), mf, mfull);
    }

    /** k-sparse probes on the latents for one letter, k grown while held-out F1 gains more than τ. */
    static int[] mainLatents(float[][] latents, boolean[] isLetter, List<Integer> train, List<Integer> test, int maxK,
                             double[] f1Out) {
        int width = latents[0].length;
        int[] trainRows = train.stream().mapToInt(Integer::intValue).toArray();
        // signed, as SAEBench: the main latents are ones that fire on the letter's words
        int[] ranked = SparseProbing.rankByMeanDifference(latents, isLetter, trainRows, width, false);
        int bestK = 1;
        double bestF1 = -1;
        for (int k = 1; k <= Math.min(maxK, width); k++) {
            double f1 = sparseF1(latents, isLetter, train, test, Arrays.copyOf(ranked, k));
            if (k > 1 && f1 - bestF1 <= SPLIT_TAU) break;
            bestF1 = f1;
            bestK = k;
        }
        f1Out[0] = bestF1;
        return Arrays.copyOf(ranked, bestK);
    }

    private static double sparseF1(float[][] latents, boolean[] y, List<Integer> train, List<Integer> test, int[] units) {
        double[][] xTrain = new double[train.size()][units.length];
        boolean[] yTrain = new boolean[train.size()];
        for (int i = 0; i < train.size(); i++) {
            for (int j = 0; j < units.length; j++) xTrain[i][j] = latents[train.get(i)][units[j]];
            yTrain[i] = y[train.get(i)];
        }
        LogisticProbe p = LogisticProbe.binary(xTrain, yTrain, 1.0);
        int tp = 0, fp = 0, fn = 0;
        for (int i : test) {
            double[] x = new double[units.length];
            for (int j = 0; j < units.length; j++) x[j] = latents[i][units[j]];
            boolean pred = p.probability(x) >= 0.5;
            if (pred && y[i]) tp++;
            else if (pred) fp++;
            else if (y[i]) fn++;
        }
        return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
    }

    private static String distinctLetters(char[] letters) {
        boolean[] seen = new boolean[26];
        for (char c : letters) {
            if (c < 'a' || c > 'z') throw new IllegalArgumentException("first letters must be a-z, got '" + c + "'");
            seen[c - 'a'] = true;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 26; i++) if (seen[i]) sb.append((char) ('a' + i));
        return sb.toString();
    }

    private static double[][] rows(float[][] x, List<Integer> idx) {
        double[][] out = new double[idx.size()][];
        for (int i = 0; i < out.length; i++) out[i] = toDouble(x[idx.get(i)]);
        return out;
    }

    private static int[] pick(int[] a, List<Integer> idx) {
        return idx.stream().mapToInt(i -> a[i]).toArray();
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }
}
