package lantern.subject.decoder;

import lantern.api.generate.Sampling;
import lantern.subject.Hooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GeneratorTest {
    static final TinyModels.Spec S = TinyModels.SMALL;

    @TempDir
    Path tmp;

    @Test
    void kvCacheGivesTheSameTokensAsRecomputingBothFamilies() throws Exception {
        TinyModels.writeGpt2(tmp.resolve("g"), S, TinyModels.gpt2Weights(S, 11), "F32", "");
        TinyModels.writeLlama(tmp.resolve("l"), S, TinyModels.llamaWeights(S, 12, true, false), "qwen2", false,
                10000, "F32");
        for (String dir : new String[]{"g", "l"}) {
            try (DecoderModel m = DecoderModels.load(tmp.resolve(dir))) {
                long[] prompt = {5, 9, 2, 30};
                for (Sampling s : new Sampling[]{Sampling.greedy(20), new Sampling(20, 0.9f, 0.95f, 42)}) {
                    Generation cached = Generator.withCache(m, prompt, s, Hooks.none());
                    Generation full = Generator.recomputing(m, prompt, s, Hooks.none());
                    assertThat(cached.generatedIds()).hasSize(20).containsExactly(full.generatedIds());
                    assertThat(cached.text()).isEqualTo(full.text());
                }
            }
        }
    }

    @Test
    void cachedStepLogitsEqualFullRecomputeLogits() throws Exception {
        TinyModels.writeLlama(tmp.resolve("l"), S, TinyModels.llamaWeights(S, 13, false, true), "llama", true,
                10000, "F32");
        try (DecoderModel m = DecoderModels.load(tmp.resolve("l"));
             var nd = ai.djl.ndarray.NDManager.newBaseManager()) {
            long[] seq = {3, 4, 5, 6, 7, 8};
            try (KvCache cache = m.newCache(nd)) {
                m.nextTokenLogits(nd, new long[]{3, 4, 5}, cache, Hooks.none());
                float[] step = null;
                for (int i = 3; i < seq.length; i++) step = m.nextTokenLogits(nd, new long[]{seq[i]}, cache, Hooks.none());
                float[] full = m.nextTokenLogits(nd, seq, null, Hooks.none());
                assertThat(cache.length()).isEqualTo(6);
                assertThat(DecoderModelTest.maxDiff(new float[][]{step}, new float[][]{full})).isLessThan(1e-5);
            }
        }
    }

    @Test
    void samplingIsSeededAndTemperatureMatters() throws Exception {
        TinyModels.writeGpt2(tmp.resolve("g"), S, TinyModels.gpt2Weights(S, 14), "F32", "");
        try (DecoderModel m = DecoderModels.load(tmp.resolve("g"))) {
            long[] prompt = {1, 2};
            Generation a = Generator.withCache(m, prompt, new Sampling(25, 5f, 1f, 7), Hooks.none());
            Generation b = Generator.withCache(m, prompt, new Sampling(25, 5f, 1f, 7), Hooks.none());
            Generation c = Generator.withCache(m, prompt, new Sampling(25, 5f, 1f, 8), Hooks.none());
            Generation greedy = Generator.withCache(m, prompt, Sampling.greedy(25), Hooks.none());
            assertThat(a.generatedIds()).containsExactly(b.generatedIds());
            assertThat(a.generatedIds()).isNotEqualTo(c.generatedIds());
            assertThat(a.generatedIds()).isNotEqualTo(greedy.generatedIds());
        }
    }

    @Test
    void topPKeepsOnlyTheNucleus() {
        float[] logits = {10f, 9.5f, 0f, -1f, -3f};
        Sampling s = new Sampling(1, 1f, 0.5f, 1);
        var r = new java.util.Random(3);
        for (int i = 0; i < 200; i++) assertThat(s.pick(logits, r)).isEqualTo(0); // p(0) = 0.62 >= 0.5
        Sampling wide = new Sampling(1, 1f, 0.99f, 1);
        var seen = new java.util.HashSet<Long>();
        for (int i = 0; i < 500; i++) seen.add(wide.pick(logits, r));
        assertThat(seen).containsExactlyInAnyOrder(0L, 1L);
    }

    @Test
    void generationStopsAtTheContextAndRefusesBadSettings() throws Exception {
        TinyModels.writeGpt2(tmp.resolve("g"), S, TinyModels.gpt2Weights(S, 15), "F32", "");
        try (DecoderModel m = DecoderModels.load(tmp.resolve("g"))) {
            long[] prompt = new long[S.ctx() - 3];
            Generation g = Generator.withCache(m, prompt, Sampling.greedy(40), Hooks.none());
            Generation r = Generator.recomputing(m, prompt, Sampling.greedy(40), Hooks.none());
            assertThat(g.generatedIds()).hasSize(4).containsExactly(r.generatedIds());
            assertThatThrownBy(() -> Generator.promptIds(m, "the ".repeat(S.ctx() + 1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("context length");
            assertThatThrownBy(() -> new Sampling(5, -1f, 1f, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Sampling(5, 1f, 0f, 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
