package lantern.subject.sae;

import ai.djl.ndarray.NDManager;
import lantern.subject.HookNames;
import lantern.subject.bert.BertModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

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
            TokenActivations train = collector.collect(hook, BrownText.sentences(false, 10, 5000), 30_000, m, n -> { });
            TokenActivations held = collector.collect(hook, BrownText.sentences(true, 10, 2000), 5_000, m, n -> { });
            long t1 = System.nanoTime();
            assertThat(train.tokens()).isEqualTo(30_000);
            assertThat(train.width()).isEqualTo(384);
            SaeTrainingOptions opt = SaeTrainingOptions.topK(768, 16).withEpochs(4).withBatchSize(1024).withDeadAfter(20_000, 50);
            SaeTrainer.Result r = new SaeTrainer(opt, (s, n, loss, l0, ev, dead, res) ->
                    System.out.printf("step %d/%d loss %.3f L0 %.1f EV %.3f dead %d resampled %d%n", s, n, loss, l0, ev, dead, res))
                    .train("minilm-l6", train, m);
            try (Sae sae = r.sae()) {
                SaeMetrics metrics = SaeEvaluator.reconstruction(sae, held);
                System.out.printf("collect %.1fs, train %.1fs: %s%n", (t1 - t0) / 1e9, r.seconds(), metrics.summary());
                assertThat(metrics.l0()).isLessThanOrEqualTo(16.0);
                assertThat(metrics.explainedVariance()).isGreaterThan(0.6);
            }
        }
    }
}
