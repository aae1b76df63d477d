package lantern.eval.causal;

import lantern.api.causal.InterventionSpec;
import lantern.api.causal.Pooling;
import lantern.api.causal.Direction;
import lantern.subject.HookPass;
import ai.djl.ndarray.NDManager;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.Generation;
import lantern.subject.decoder.Generator;
import lantern.api.generate.Sampling;
import lantern.subject.decoder.TinyModels;
import lantern.subject.sae.SaeStore;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Directions from texts and steered generation on tiny random-weight decoders (GPT-2 and Llama layouts). */
class DecoderSteeringTest {
    static final TinyModels.Spec S = TinyModels.SMALL;
    static final List<String> CATS = List.of("the cat sat on the mat", "a cat ran", "the cat is on a mat");
    static final List<String> DOGS = List.of("the dog sat on the mat", "a dog ran", "the dog is on a mat");

    @TempDir
    Path tmp;

    DecoderModel gpt2() throws Exception {
        return DecoderModels.load(TinyModels.writeGpt2(tmp.resolve("g"), S, TinyModels.gpt2Weights(S, 21), "F32", ""));
    }

    DecoderModel llama() throws Exception {
        return DecoderModels.load(TinyModels.writeLlama(tmp.resolve("l"), S, TinyModels.llamaWeights(S, 22, false, false),
                "llama", false, 10000, "F32"));
    }

    @Test
    void directionsPoolAtTheLastTokenOrOverAllTokens() throws Exception {
        try (DecoderModel m = gpt2(); NDManager nd = NDManager.newBaseManager()) {
            String hook = HookNames.residPost(0);
            Direction last = MeanDifference.compute(m, "cat", hook, CATS, DOGS, Pooling.LAST);
            Direction mean = MeanDifference.compute(m, "cat-mean", hook, CATS, DOGS, Pooling.MEAN);
            assertThat(last.vector()).hasSize(S.d());
            assertThat(last.pool()).isEqualTo("last");
            assertThat(mean.pool()).isEqualTo("mean");
            assertThat(last.norm()).isGreaterThan(0);
            // one text by hand, unpadded: its last row, and the mean of its rows
            ModelRuns.Tokens e = ModelRuns.encode(m, CATS.get(1));
            Hooks h = Hooks.none().cache(hook);
            HookPass hPass = h.start();
            m.forward(nd, new long[][]{e.ids()}, null, hPass);
            float[] rows = hPass.get(hook).toFloatArray();
            int t = e.length();
            float[] lastByHand = new float[S.d()];
            float[] meanByHand = new float[S.d()];
            for (int i = 0; i < S.d(); i++) {
                lastByHand[i] = rows[(t - 1) * S.d() + i];
                for (int j = 0; j < t; j++) meanByHand[i] += rows[j * S.d() + i] / t;
            }
            // batched with longer texts (right padding) and pooled: the same numbers
            float[] lastPooled = MeanDifference.pooled(m, hook, List.of(CATS.get(1), CATS.get(0)), Pooling.LAST);
            float[] lastOther = MeanDifference.pooled(m, hook, List.of(CATS.get(0)), Pooling.LAST);
            float[] meanPooled = MeanDifference.pooled(m, hook, List.of(CATS.get(1)), Pooling.MEAN);
            for (int i = 0; i < S.d(); i++) {
                assertThat(lastPooled[i]).isCloseTo((lastByHand[i] + lastOther[i]) / 2, Offset.offset(1e-4f));
                assertThat(meanPooled[i]).isCloseTo(meanByHand[i], Offset.offset(1e-4f));
            }
            DirectionStore store = new DirectionStore(tmp);
            store.save(last);
            assertThat(store.load("cat").pool()).isEqualTo("last");
            assertThat(store.load("cat").vector()).containsExactly(last.vector());
            assertThatThrownBy(() -> MeanDifference.compute(m, "x", "blocks.7.hook_resid_post", CATS, DOGS, Pooling.LAST))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void addingADirectionChangesTheGreedyContinuationAndAlphaZeroDoesNot() throws Exception {
        for (boolean isGpt2 : new boolean[]{true, false}) {
            try (DecoderModel m = isGpt2 ? gpt2() : llama()) {
                DirectionStore store = new DirectionStore(tmp);
                store.save(MeanDifference.compute(m, "cat", HookNames.residPost(0), CATS, DOGS, Pooling.LAST));
                InterventionPlanner planner = new InterventionPlanner(m, () -> { throw new AssertionError("no SAE asked for"); }, store);
                String prompt = "the dog sat on";
                long[] ids = Generator.promptIds(m, prompt);
                Sampling greedy = Sampling.greedy(12);

                var zero = planner.plan(List.of(InterventionSpec.addDirection(null, "cat", 0f)));
                lantern.api.causal.GenerationSteeringResult same = GenerationSteering.run(m, prompt, ids, zero, planner.hooks(zero), greedy, 5);
                assertThat(same.steered().tokens()).isEqualTo(same.clean().tokens());
                assertThat(same.firstDifference()).isEqualTo(-1);
                assertThat(same.nextTokenKl()).isEqualTo(0.0);

                var add = planner.plan(List.of(InterventionSpec.addDirection(null, "cat", 8f)));
                lantern.api.causal.GenerationSteeringResult steered = GenerationSteering.run(m, prompt, ids, add, planner.hooks(add), greedy, 5);
                assertThat(steered.applied()).containsExactly("add 8.0 x direction 'cat' at blocks.0.hook_resid_post");
                assertThat(steered.clean().tokens()).isEqualTo(same.clean().tokens());
                assertThat(steered.steered().tokens()).as(m.config().family()).isNotEqualTo(steered.clean().tokens());
                assertThat(steered.firstDifference()).isBetween(0, 11);
                assertThat(steered.nextTokenKl()).isGreaterThan(0);
                assertThat(steered.cleanNext()).hasSize(5);

                // steering with the KV cache (hooks on every step) = recomputing the whole sequence with the hooks
                Generation cached = Generator.withCache(m, ids, greedy, planner.hooks(add), planner.hooks(add));
                Generation full = Generator.recomputing(m, ids, greedy, planner.hooks(add));
                assertThat(cached.generatedIds()).containsExactly(full.generatedIds());
            }
        }
    }

    @Test
    void theUnembeddingDirectionOfATokenMakesItTheNextToken() throws Exception {
        try (DecoderModel m = llama()) {
            long[] ids = Generator.promptIds(m, "the cat sat");
            float[] wu = m.weights().unembed().toFloatArray(); // [d, vocab]
            for (int target : new int[]{7, 40}) {
                float[] u = new float[S.d()];
                for (int i = 0; i < S.d(); i++) u[i] = wu[i * S.vocab() + target];
                InterventionPlanner planner = new InterventionPlanner(m, (SaeStore) null, new DirectionStore(tmp));
                var plan = planner.plan(List.of(new InterventionSpec("add-direction", HookNames.residPost(S.layers() - 1),
                        null, u, 100f, null, null)));
                lantern.api.causal.GenerationSteeringResult r = GenerationSteering.run(m, "the cat sat", ids, plan, planner.hooks(plan), Sampling.greedy(3), 3);
                assertThat(r.steeredNext().get(0).id()).isEqualTo(target);
                assertThat(r.steered().tokens()).containsOnly(m.tokenizer().token(target));
            }
        }
    }

    @Test
    void neuronAblationAndBadInterventionsOnDecoders() throws Exception {
        try (DecoderModel m = gpt2()) {
            InterventionPlanner planner = new InterventionPlanner(m, (SaeStore) null, new DirectionStore(tmp));
            var plan = planner.plan(List.of(InterventionSpec.ablateNeuron(m.info().id() + "/1/mlp/3")));
            assertThat(plan.get(0).hook()).isEqualTo(HookNames.mlpPost(1));
            assertThatThrownBy(() -> planner.plan(List.of(InterventionSpec.ablateNeuron(m.info().id() + "/1/mlp/" + S.dMlp()))))
                    .hasMessageContaining("out of range");
            assertThatThrownBy(() -> planner.plan(List.of(InterventionSpec.ablateNeuron("minilm-l6/1/mlp/3"))))
                    .hasMessageContaining("belongs to model minilm-l6");
            assertThatThrownBy(() -> planner.plan(List.of(new InterventionSpec("add-direction", HookNames.residPost(0), null,
                    new float[S.d() + 1], 1f, null, null)))).hasMessageContaining("dimensions");
        }
    }
}
