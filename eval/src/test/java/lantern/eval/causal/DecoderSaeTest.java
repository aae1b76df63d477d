package lantern.eval.causal;

import lantern.api.causal.InterventionSpec;
import lantern.subject.HookPass;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.Generator;
import lantern.api.generate.Sampling;
import lantern.subject.decoder.TinyModels;
import lantern.subject.sae.HookActivationCollector;
import lantern.subject.sae.Sae;
import lantern.subject.sae.SaeEvaluator;
import lantern.api.sae.SaeMetrics;
import lantern.subject.sae.SaeStore;
import lantern.train.SaeTrainer;
import lantern.train.SaeTrainingOptions;
import lantern.subject.sae.TokenActivations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** SAE training on a decoder hook (tiny llama2.c checkpoint: BOS framed), saved, loaded and clamped in generation. */
class DecoderSaeTest {
    static final TinyModels.Spec S = new TinyModels.Spec(16, 2, 4, 2, 32, 300, 32);
    static final List<String> PIECES = List.of("the", " the", " cat", " dog", " sat", " on", " mat", " ran", "he", "at");

    @TempDir
    Path tmp;

    static List<String> texts(int n, long seed) {
        String[] words = {"the", "cat", "dog", "sat", "on", "mat", "ran", "a", "big", "hat"};
        Random r = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder b = new StringBuilder();
            int len = 3 + r.nextInt(6);
            for (int j = 0; j < len; j++) b.append(j == 0 ? "" : " ").append(words[r.nextInt(words.length)]);
            out.add(b.toString());
        }
        return out;
    }

    @Test
    void trainsOnADecoderHookSavesLoadsAndClamps() throws Exception {
        Path bin = TinyModels.writeLlama2c(tmp.resolve("m.bin"), S, TinyModels.llamaWeights(S, 31, false, false), false);
        TinyModels.writeTokenizerBin(tmp.resolve("tokenizer.bin"), S.vocab(), PIECES);
        String hook = HookNames.residPost(0);
        try (DecoderModel m = DecoderModels.load(bin); NDManager nd = m.manager().newSubManager()) {
            assertThat(m.frame().prefix()).containsExactly(1);
            HookActivationCollector collector = new HookActivationCollector(m);
            // rows: every token after BOS, equal to a plain forward's
            List<String> two = List.of("the cat sat", "a dog ran on the mat");
            TokenActivations small = collector.collect(hook, two, 1000, nd, n -> { });
            long[] a = m.tokenizer().encode(two.get(0), true).ids();
            long[] b = m.tokenizer().encode(two.get(1), true).ids();
            assertThat(a[0]).isEqualTo(1);
            assertThat(small.tokens()).isEqualTo(a.length - 1 + b.length - 1);
            assertThat(small.width()).isEqualTo(S.d());
            try (NDManager run = nd.newSubManager()) {
                Hooks h = Hooks.none().cache(hook);
                HookPass hPass = h.start();
                m.run(run, new long[][]{a}, new int[]{a.length}, hPass);
                float[] direct = hPass.get(hook).toFloatArray(); // [1, T, d]
                float[] rows = small.data().toFloatArray();
                float[] collected = new float[(a.length - 1) * S.d()];
                System.arraycopy(direct, S.d(), collected, 0, collected.length); // BOS row left out
                // rows come sorted by text length: the shorter text comes first
                for (int i = 0; i < collected.length; i++) assertThat(rows[i]).isCloseTo(collected[i], org.assertj.core.data.Offset.offset(1e-4f));
            }

            TokenActivations train = collector.collect(hook, texts(600, 1), 3000, nd, n -> { });
            TokenActivations held = collector.collect(hook, texts(100, 2), 500, nd, n -> { });
            assertThat(train.tokens()).isEqualTo(3000);
            SaeTrainer.Result r = new SaeTrainer(SaeTrainingOptions.topK(32, 4).withEpochs(3).withBatchSize(256),
                    (s, n, loss, l0, ev, dead, res) -> { }).train(m.info().id(), train, nd);
            SaeStore store = new SaeStore(tmp, nd);
            try (Sae sae = r.sae()) {
                SaeMetrics metrics = SaeEvaluator.reconstruction(sae, held);
                float[] mean = held.data().mean(new int[]{0}).toFloatArray();
                SaeMetrics.NextToken next = SaeEvaluator.nextToken(m, sae, texts(20, 3), mean);
                System.out.println(metrics.withNextToken(next).summary());
                assertThat(metrics.l0()).isLessThanOrEqualTo(4.0);
                assertThat(metrics.explainedVariance()).isGreaterThan(0.3);
                assertThat(next.tokens()).isPositive();
                assertThat(next.zeroAblated()).isNotEqualTo(next.clean());
                // the reconstruction is closer to the clean loss than zero-ablating the residual stream is
                assertThat(Math.abs(next.spliced() - next.clean())).isLessThan(Math.abs(next.zeroAblated() - next.clean()));
                store.save(sae, null);
            }
            String kind = "sae-resid_post-k4";
            Sae loaded = store.get(m.info().id(), 0, kind);
            assertThat(loaded.config().hookName()).isEqualTo(hook);
            assertThat(loaded.config().dIn()).isEqualTo(S.d());

            // clamping a feature of the decoder's SAE in generation: through the same planner steering uses
            InterventionPlanner planner = new InterventionPlanner(m, store, new DirectionStore(tmp));
            long[] ids = Generator.promptIds(m, "the cat");
            var plan = planner.plan(List.of(InterventionSpec.clampSae(m.info().id() + "/0/" + kind + "/3", 200f)));
            assertThat(plan.get(0).hook()).isEqualTo(hook);
            lantern.api.causal.GenerationSteeringResult g = GenerationSteering.run(m, "the cat", ids, plan, planner.hooks(plan), Sampling.greedy(6), 3);
            assertThat(g.nextTokenKl()).isGreaterThan(0);
            var ablate = planner.plan(List.of(InterventionSpec.ablateSae(m.info().id() + "/0/" + kind + "/3")));
            assertThat(ablate.get(0).description()).contains("to 0.0");
            store.close();
        }
    }
}
