package lantern.train;

import lantern.api.sae.SaeMetrics;
import lantern.subject.sae.*;

import ai.djl.ndarray.NDManager;
import lantern.subject.HookNames;
import lantern.subject.bert.BertModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Trains a small TopK SAE on real MiniLM activations over Brown text and checks it on held-out files. */
class SaeTrainingTest {
    static BertModel model;

    @BeforeAll
    static void load() {
        model = BertModel.loadMiniLm();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void topKSaeReconstructsHeldOutActivations() {
        String hook = HookNames.residPost(3);
        try (NDManager m = model.manager().newSubManager()) {
            long t0 = System.nanoTime();
            HookActivationCollector collector = new HookActivationCollector(model);
            TokenActivations train = collector.collect(hook, BrownText.sentences(false, 10, 5000), 20_000, m, n -> { });
            TokenActivations held = collector.collect(hook, BrownText.sentences(true, 10, 2000), 4_000, m, n -> { });
            long t1 = System.nanoTime();
            assertThat(train.tokens()).isEqualTo(20_000);
            assertThat(train.width()).isEqualTo(384);
            SaeTrainingOptions opt = SaeTrainingOptions.topK(512, 16).withEpochs(4).withBatchSize(512)
                    .withLearningRate(0.004f).withDeadAfter(20_000, 50);
            SaeTrainer.Result r = new SaeTrainer(opt, (s, n, loss, l0, ev, dead, res) ->
                    System.out.printf("step %d/%d loss %.3f L0 %.1f EV %.3f dead %d resampled %d%n", s, n, loss, l0, ev, dead, res))
                    .train("minilm-l6", train, m);
            try (Sae sae = r.sae()) {
                SaeMetrics metrics = SaeEvaluator.reconstruction(sae, held);
                System.out.printf("collect %.1fs, train %.1fs: %s%n", (t1 - t0) / 1e9, r.seconds(), metrics.summary());
                assertThat(metrics.l0()).isLessThanOrEqualTo(16.0);
                // the full target (EV >= 0.8 at L0 32, 3072 features) needs ~100k+ tokens: measured by `lantern sae train`
                assertThat(metrics.explainedVariance()).isGreaterThan(0.6);
                assertThat(metrics.deadFraction()).isLessThan(0.2);
            }
        }
    }

    /**
     * Synthetic activations that are sparse sums of 48 known directions. An SAE with too many features for them
     * gets dead features; they must be found and resampled, and the reconstruction must be near perfect.
     */
    @Test
    void deadFeaturesAreResampledOnSparseSyntheticData() {
        int d = 24, truth = 48, n = 8192;
        Random r = new Random(9);
        float[][] dirs = new float[truth][d];
        for (float[] v : dirs) {
            double s = 0;
            for (int i = 0; i < d; i++) { v[i] = (float) r.nextGaussian(); s += v[i] * v[i]; }
            for (int i = 0; i < d; i++) v[i] /= (float) Math.sqrt(s);
        }
        float[] x = new float[n * d];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < 2; j++) {
                float[] v = dirs[r.nextInt(truth)];
                float a = 1 + 2 * r.nextFloat();
                for (int i = 0; i < d; i++) x[t * d + i] += a * v[i];
            }
        }
        try (NDManager m = model.manager().newSubManager()) {
            NDArray all = m.create(x, new Shape(n, d));
            TokenActivations train = new TokenActivations("blocks.0.hook_resid_post", all.get("0:6144"), 0);
            TokenActivations held = new TokenActivations("blocks.0.hook_resid_post", all.get("6144:"), 0);
            SaeTrainingOptions opt = SaeTrainingOptions.topK(256, 2).withEpochs(12).withBatchSize(256)
                    .withLearningRate(0.004f).withDeadAfter(2048, 20);
            SaeTrainer.Result res = new SaeTrainer(opt, null).train("synthetic", train, m);
            try (Sae sae = res.sae()) {
                SaeMetrics metrics = SaeEvaluator.reconstruction(sae, held);
                System.out.println("synthetic: resampled " + res.resampled() + "; " + metrics.summary());
                assertThat(res.resampled()).isPositive();
                assertThat(metrics.explainedVariance()).isGreaterThan(0.9);
                assertThat(metrics.l0()).isLessThanOrEqualTo(2.0);
            }
        }
    }
}
