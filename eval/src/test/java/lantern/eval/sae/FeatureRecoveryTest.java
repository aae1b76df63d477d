package lantern.eval.sae;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import lantern.subject.sae.Sae;
import lantern.subject.sae.SaeConfig;
import lantern.train.SaeTrainer;
import lantern.train.SaeTrainingOptions;
import lantern.subject.sae.SaeWeights;
import lantern.subject.sae.TokenActivations;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Ground truth for the SAE trainer: planted features, their recovery (MCC, F1, dead latents), the generator itself. */
class FeatureRecoveryTest {
    static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void hungarianFindsTheCheapestAssignment() {
        Random r = new Random(2);
        for (int trial = 0; trial < 20; trial++) {
            int rows = 1 + r.nextInt(4), cols = rows + r.nextInt(3);
            double[][] c = new double[rows][cols];
            for (double[] row : c) for (int j = 0; j < cols; j++) row[j] = r.nextDouble();
            int[] a = Hungarian.solve(c);
            double got = 0;
            for (int i = 0; i < rows; i++) got += c[i][a[i]];
            assertThat(java.util.Arrays.stream(a).distinct().count()).isEqualTo(rows);
            assertThat(got).isCloseTo(bruteForce(c, 0, new boolean[cols]), within(1e-9));
        }
    }

    static double bruteForce(double[][] c, int row, boolean[] used) {
        if (row == c.length) return 0;
        double best = Double.POSITIVE_INFINITY;
        for (int j = 0; j < used.length; j++) {
            if (used[j]) continue;
            used[j] = true;
            best = Math.min(best, c[row][j] + bruteForce(c, row + 1, used));
            used[j] = false;
        }
        return best;
    }

    @Test
    void aTopKSaeRecoversPlantedFeaturesAndARandomSaeDoesNot() {
        int n = 24, d = 16;
        SyntheticFeatures gen = new SyntheticFeatures(SyntheticFeatures.Config.plain(n, d, 0.1, 0.05, 11));
        float[][] truth = gen.directions();
        SyntheticFeatures.Sample train = gen.sample(6144, 1), eval = gen.sample(2048, 2);
        TokenActivations data = new TokenActivations("blocks.0.hook_resid_post",
                manager.create(train.x(), new Shape(train.n(), d)), 0);
        SaeTrainingOptions opt = SaeTrainingOptions.topK(n, 2).withEpochs(8).withBatchSize(512)
                .withLearningRate(0.02f).withDeadAfter(4096, 10);
        SaeTrainer.Result res = new SaeTrainer(opt, null).train("synthetic", data, manager);
        try (Sae trained = res.sae(); Sae random = randomSae(n, d)) {
            FeatureRecovery good = FeatureRecovery.measure(trained, truth, eval, manager);
            FeatureRecovery bad = FeatureRecovery.measure(random, truth, eval, manager);
            System.out.println("trained: " + good + "\nrandom: " + bad);
            assertThat(good.mcc()).isGreaterThan(0.9);
            assertThat(good.f1()).isGreaterThan(0.6);
            assertThat(good.deadLatents()).isLessThanOrEqualTo(2);
            assertThat(bad.mcc()).isLessThan(0.5);
            assertThat(bad.f1()).isLessThan(good.f1() - 0.3);
        }
    }

    @Test
    void mccOfTheTruthItselfIsOneAndMatchesAReferenceOnAPermutation() {
        float[][] truth = new SyntheticFeatures(SyntheticFeatures.Config.plain(6, 8, 0.2, 0.1, 3)).directions();
        float[][] permuted = {truth[3], truth[0], truth[5], truth[1], truth[4], truth[2]};
        for (float[] v : permuted) for (int i = 0; i < v.length; i++) v[i] = -v[i]; // sign does not matter
        assertThat(FeatureRecovery.mcc(FeatureRecovery.absCosines(permuted, truth))).isCloseTo(1.0, within(1e-6));
        // fewer latents than features: the mean is over the latents' matches
        float[][] two = {truth[1], truth[4]};
        assertThat(FeatureRecovery.mcc(FeatureRecovery.absCosines(two, truth))).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void generatorPlantsHierarchyCorrelationAndZipfRates() {
        SyntheticFeatures.Config c = new SyntheticFeatures.Config(256, 32, 0.5, 0.4, 0.01, 4, 4, 3, 4, 0.3,
                5, 4, 0.5, 0.5, 2, 0.5, 7);
        SyntheticFeatures gen = new SyntheticFeatures(c);
        SyntheticFeatures.Sample s = gen.sample(10_000, 9);
        long[] fired = new long[256];
        for (int t = 0; t < s.n(); t++) {
            java.util.Set<Integer> on = new java.util.HashSet<>();
            for (int i : s.active()[t]) on.add(i);
            for (int i : s.active()[t]) {
                fired[i]++;
                int p = gen.parentOf(i);
                assertThat(p < 0 || on.contains(p)).as("child %d fires without parent %d", i, p).isTrue();
            }
            // siblings are mutually exclusive
            java.util.Map<Integer, Integer> perParent = new java.util.HashMap<>();
            for (int i : s.active()[t]) if (gen.parentOf(i) >= 0) perParent.merge(gen.parentOf(i), 1, Integer::sum);
            assertThat(perParent.values()).allMatch(v -> v == 1);
        }
        assertThat(gen.hierarchyFeatures()).isEqualTo(4 * (1 + 4 + 16));
        // a feature outside the trees fires at its Zipf rate (copula marginals are exact)
        for (int i : new int[]{100, 200, 255}) {
            assertThat(fired[i] / 10_000.0).isCloseTo(gen.targetProbability(i), within(0.01 + 0.2 * gen.targetProbability(i)));
        }
        assertThat(gen.targetProbability(0)).isCloseTo(0.4, within(1e-9));
        assertThat(gen.targetProbability(255)).isCloseTo(0.01, within(1e-9));
        assertThat(SyntheticFeatures.inverseNormal(0.975)).isCloseTo(1.959964, within(1e-5));
        // correlated firing: with a shared rank-4 factor at 0.3, co-firing of two free features departs from independence
        double meanCos = gen.meanAbsCosine();
        assertThat(meanCos).isLessThan(0.2);
    }

    static Sae randomSae(int f, int d) {
        Random r = new Random(5);
        float[] enc = new float[d * f], dec = new float[f * d];
        for (int i = 0; i < enc.length; i++) enc[i] = (float) r.nextGaussian();
        for (int i = 0; i < dec.length; i++) dec[i] = (float) r.nextGaussian();
        return Sae.of(SaeConfig.topK("random", "blocks.0.hook_resid_post", d, f, 2),
                new SaeWeights(enc, new float[f], dec, new float[d], null), manager);
    }
}
