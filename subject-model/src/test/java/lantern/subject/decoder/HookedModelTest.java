package lantern.subject.decoder;

import lantern.subject.HookPass;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import lantern.subject.HookNames;
import lantern.subject.HookedModel;
import lantern.subject.Hooks;
import lantern.subject.Interventions;
import lantern.subject.UnknownHookException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one hooked-model interface on a decoder: run with a cache, replace, and names checked up front. */
class HookedModelTest {
    static final TinyModels.Spec S = TinyModels.SMALL;

    @TempDir
    Path tmp;

    HookedModel gpt2() throws Exception {
        return DecoderModels.load(TinyModels.writeGpt2(tmp.resolve("g"), S, TinyModels.gpt2Weights(S, 3), "F32", ""));
    }

    @Test
    void aMisspeltHookIsAnErrorListingTheValidNamesBeforeAnythingRuns() throws Exception {
        try (HookedModel m = gpt2(); NDManager nd = m.manager().newSubManager()) {
            Hooks typo = Hooks.none().replace("blocks.0.mlp.hook_psot", Interventions.zeroAblate(1));
            assertThatThrownBy(() -> m.run(nd, new long[][]{{1, 2, 3}}, new int[]{3}, typo))
                    .isInstanceOf(UnknownHookException.class)
                    .hasMessageContaining("'blocks.0.mlp.hook_psot'")
                    .hasMessageContaining("did you mean 'blocks.0.mlp.hook_post'")
                    .hasMessageContaining("blocks.{0..1}.mlp.hook_post")
                    .hasMessageContaining("hook_embed");
            Hooks outOfRange = Hooks.none().cache(HookNames.mlpPost(7));
            assertThatThrownBy(() -> m.run(nd, new long[][]{{1, 2, 3}}, new int[]{3}, outOfRange))
                    .isInstanceOf(UnknownHookException.class).hasMessageContaining("2 layers");
        }
    }

    @Test
    void runReturnsTheOutputAndACacheOwnedByTheCallersManager() throws Exception {
        try (HookedModel m = gpt2(); NDManager nd = m.manager().newSubManager()) {
            long[][] ids = {{1, 2, 3, 4}};
            var clean = m.runWithCache(nd, ids, new int[]{4}, java.util.List.of(HookNames.mlpPost(1)));
            NDArray post = clean.cache().get(HookNames.mlpPost(1));
            assertThat(post.getManager()).isSameAs(nd);
            assertThat(post.getShape().getShape()).containsExactly(1, 4, S.dMlp());
            assertThat(clean.output().getShape().getShape()).containsExactly(1, 4, S.d());
            float[] before = clean.output().toFloatArray();
            float neuron = post.toFloatArray()[5];
            assertThat(neuron).isNotZero();

            var ablated = m.run(nd, ids, new int[]{4}, Hooks.none().replace(HookNames.mlpPost(1),
                    Interventions.zeroAblate(5)).cache(HookNames.mlpPost(1)));
            assertThat(ablated.cache().get(HookNames.mlpPost(1)).toFloatArray()[5]).isZero();
            assertThat(ablated.output().toFloatArray()).isNotEqualTo(before);
            assertThatThrownBy(() -> ablated.cache().get(HookNames.mlpPost(0)))
                    .hasMessageContaining("was not cached");
        }
    }

    @Test
    void framesStartWithTheFamilysBos() throws Exception {
        try (HookedModel m = gpt2()) {
            assertThat(m.frame().suffix()).isEmpty(); // the tiny tokenizer adds no BOS and config has none
        }
    }

    @Test
    void aPassStoppedByAHookLeavesWhatItCachedToTheCaller() throws Exception {
        try (HookedModel m = gpt2(); NDManager nd = m.manager().newSubManager()) {
            Hooks hooks = Hooks.none().cache(HookNames.residPost(0)).replace(HookNames.residPre(1), x -> {
                throw new IllegalStateException("stop");
            });
            HookPass hooksPass = hooks.start();
            assertThatThrownBy(() -> m.run(nd, new long[][]{{1, 2, 3}}, new int[]{3}, hooksPass)).hasMessage("stop");
            NDArray kept = hooksPass.get(HookNames.residPost(0));
            assertThat(kept.getManager()).isSameAs(nd);
            assertThat(kept.toFloatArray()).hasSize(3 * S.d());
        }
    }

    /**
     * A request is only read by a run: one {@link Hooks} and one model serve passes from several threads at once, and
     * each pass's cache holds its own row's activations (a shared cache would mix them).
     */
    @Test
    void oneRequestServesConcurrentRunsEachWithItsOwnCache() throws Exception {
        try (HookedModel m = gpt2()) {
            Hooks request = Hooks.none().cache(HookNames.mlpPost(1)).replace(HookNames.mlpPost(0), Interventions.zeroAblate(2));
            long[][][] rows = new long[8][][];
            float[][] alone = new float[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = new long[][]{{1 + i % 5, 2 + (i * 3) % 7, 3 + i % 4, 4}};
                try (NDManager nd = m.manager().newSubManager()) {
                    alone[i] = m.run(nd, rows[i], new int[]{4}, request).cache().get(HookNames.mlpPost(1)).toFloatArray();
                }
            }
            java.util.concurrent.atomic.AtomicInteger mismatches = new java.util.concurrent.atomic.AtomicInteger();
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
                java.util.List<java.util.concurrent.Future<?>> runs = new java.util.ArrayList<>();
                for (int rep = 0; rep < 5; rep++) {
                    for (int i = 0; i < rows.length; i++) {
                        int row = i;
                        runs.add(pool.submit(() -> {
                            try (NDManager nd = m.manager().newSubManager()) {
                                float[] got = m.run(nd, rows[row], new int[]{4}, request).cache().get(HookNames.mlpPost(1)).toFloatArray();
                                if (!java.util.Arrays.equals(got, alone[row])) mismatches.incrementAndGet();
                            }
                        }));
                    }
                }
                for (var r : runs) r.get();
            }
            assertThat(mismatches.get()).as("passes whose cache differs from the same row run alone").isZero();
            assertThat(alone[0]).isNotEqualTo(alone[1]);
        }
    }
}
