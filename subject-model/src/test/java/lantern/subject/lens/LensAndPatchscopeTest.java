package lantern.subject.lens;

import lantern.api.lens.LensResult;
import lantern.api.lens.PatchscopeResult;
import lantern.api.lens.TokenProb;

import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.Generator;
import lantern.subject.decoder.TinyModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LensAndPatchscopeTest {
    static final TinyModels.Spec S = TinyModels.SMALL;
    static final String PROMPT = "the cat sat on the mat";

    @TempDir
    static Path tmp;
    static DecoderModel gpt2;
    static DecoderModel llama;

    @BeforeAll
    static void load() throws Exception {
        TinyModels.writeGpt2(tmp.resolve("g"), S, TinyModels.gpt2Weights(S, 21), "F32", "");
        TinyModels.writeLlama(tmp.resolve("l"), S, TinyModels.llamaWeights(S, 22, false, false), "llama", false,
                10000, "F32");
        gpt2 = DecoderModels.load(tmp.resolve("g"));
        llama = DecoderModels.load(tmp.resolve("l"));
    }

    @AfterAll
    static void close() {
        gpt2.close();
        llama.close();
    }

    @Test
    void lensAtTheLastLayerIsTheModelsOwnPrediction() {
        for (DecoderModel m : List.of(gpt2, llama)) {
            LensResult r = LogitLens.run(m, PROMPT, -1, 5);
            assertThat(r.layers()).hasSize(S.layers());
            assertThat(r.position()).isEqualTo(5);
            assertThat(r.tokens()).containsExactly("the", "cat", "sat", "on", "the", "mat");
            float[] own = softmaxOf(m, PROMPT);
            TokenProb top = r.layers().get(S.layers() - 1).top().get(0);
            int argmax = 0;
            for (int i = 1; i < own.length; i++) if (own[i] > own[argmax]) argmax = i;
            assertThat(top.id()).isEqualTo(argmax);
            assertThat(top.prob()).isCloseTo(own[argmax], org.assertj.core.data.Offset.offset(1e-5));
            List<TokenProb> l0 = r.layers().get(0).top();
            assertThat(l0).hasSize(5);
            for (int i = 1; i < 5; i++) assertThat(l0.get(i).prob()).isLessThanOrEqualTo(l0.get(i - 1).prob());
        }
    }

    @Test
    void lensRefusesBadPositionsAndK() {
        assertThatThrownBy(() -> LogitLens.run(gpt2, PROMPT, 6, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> LogitLens.run(gpt2, PROMPT, -7, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogitLens.run(gpt2, PROMPT, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void patchingTheSameStateIntoTheSamePromptChangesNothing() {
        for (DecoderModel m : List.of(gpt2, llama)) {
            for (int layer = 0; layer < S.layers(); layer++) {
                var req = new PatchscopeRequest(PROMPT, layer, 2, PROMPT, layer, 2, null, 8, 0f, false, 0);
                PatchscopeResult patched = Patchscope.run(m, m, req);
                var plain = Generator.withCache(m, Generator.promptIds(m, PROMPT),
                        lantern.api.generate.Sampling.greedy(8), lantern.subject.Hooks.none());
                assertThat(patched.generated()).isEqualTo(plain.text());
                assertThat(patched.sourceToken()).isEqualTo("sat");
                float[] p = LogitLens.softmax(plain.firstLogits());
                assertThat(patched.firstTokenTopK().get(0).prob())
                        .isCloseTo(p[(int) patched.firstTokenTopK().get(0).id()], org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }

    @Test
    void patchingADifferentStateChangesTheOutput() {
        var same = Patchscope.run(llama, llama,
                new PatchscopeRequest(PROMPT, 1, -1, PROMPT, 1, -1, null, 6, 0f, false, 0));
        var other = Patchscope.run(llama, llama,
                new PatchscopeRequest("a dog ran", 1, -1, PROMPT, 1, -1, null, 6, 0f, false, 0));
        assertThat(other.firstTokenTopK().get(0).prob()).isNotCloseTo(same.firstTokenTopK().get(0).prob(),
                org.assertj.core.data.Offset.offset(1e-4));
        assertThat(other.sourceToken()).isEqualTo("ran");
    }

    @Test
    void patchOnceWithCacheEqualsPatchEveryStepRecomputing() {
        for (DecoderModel m : List.of(gpt2, llama)) {
            var once = Patchscope.run(m, m, new PatchscopeRequest("a dog ran", 0, -1,
                    PatchscopePreset.IDENTITY.prompt(), 0, -1, null, 10, 0f, false, 0));
            var every = Patchscope.run(m, m, new PatchscopeRequest("a dog ran", 0, -1,
                    PatchscopePreset.IDENTITY.prompt(), 0, -1, null, 10, 0f, true, 0));
            assertThat(once.tokens()).hasSize(10).isEqualTo(every.tokens());
        }
    }

    @Test
    void identityPatchAtTheLastLayerReadsLikeTheLens() {
        // Writing resid_post of the last layer at the target's last position makes the first token the lens
        // reading of that state: the two tools agree where they must.
        int last = S.layers() - 1;
        LensResult lens = LogitLens.run(gpt2, PROMPT, 3, 1);
        var r = Patchscope.run(gpt2, gpt2, new PatchscopeRequest(PROMPT, last, 3,
                PatchscopePreset.IDENTITY.prompt(), last, PatchscopePreset.IDENTITY.targetPosition(gpt2), null, 1,
                0f, false, 0));
        assertThat(r.firstTokenTopK().get(0).id()).isEqualTo(lens.layers().get(last).top().get(0).id());
        assertThat(r.firstTokenTopK().get(0).prob()).isCloseTo(lens.layers().get(last).top().get(0).prob(),
                org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void affineMappingCrossesModelsAndWidthsAreChecked() throws Exception {
        TinyModels.Spec wide = new TinyModels.Spec(24, 2, 4, 4, 32, 64, 32);
        TinyModels.writeLlama(tmp.resolve("w"), wide, TinyModels.llamaWeights(wide, 23, false, true), "llama", true,
                10000, "F32");
        try (DecoderModel target = DecoderModels.load(tmp.resolve("w"))) {
            assertThatThrownBy(() -> Patchscope.run(llama, target, new PatchscopeRequest(PROMPT, 0, -1, PROMPT, 0,
                    -1, null, 3, 0f, false, 0))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("affine");
            float[][] w = new float[24][16];
            for (int i = 0; i < 16; i++) w[i][i] = 1f;
            var r = Patchscope.run(llama, target, new PatchscopeRequest(PROMPT, 0, -1, PROMPT, 1, -1,
                    new StateMapping.Affine(w, new float[24]), 3, 0f, false, 0));
            assertThat(r.tokens()).hasSize(3);
            assertThatThrownBy(() -> new StateMapping.Affine(w, new float[3])).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void badLayersAndPositionsAreRefused() {
        assertThatThrownBy(() -> Patchscope.run(gpt2, gpt2, new PatchscopeRequest(PROMPT, S.layers(), 0, PROMPT, 0,
                0, null, 3, 0f, false, 0))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer");
        assertThatThrownBy(() -> Patchscope.run(gpt2, gpt2, new PatchscopeRequest(PROMPT, 0, 0, PROMPT, 0,
                99, null, 3, 0f, false, 0))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("target position 99");
    }

    @Test
    void sweepScoresPatchscopeAndLensSideBySide() {
        var r = LayerSweep.run(gpt2, PROMPT, List.of(0, 1, 2, 3, 4, 5), PatchscopePreset.IDENTITY.prompt(), -1, true);
        assertThat(r.rows()).hasSize(S.layers());
        // at the last layer both readings are the model's own output at every position
        lantern.api.lens.LayerSweepResult.Row last = r.rows().get(S.layers() - 1);
        assertThat(last.lensPrecision()).isEqualTo(1.0);
        assertThat(last.patchscopePrecision()).isEqualTo(1.0);
        assertThat(r.grid()[S.layers() - 1][S.layers() - 1]).isEqualTo(1.0);
        for (var row : r.rows()) assertThat(row.patchscopePrecision()).isBetween(0.0, 1.0);
    }

    private static float[] softmaxOf(DecoderModel m, String prompt) {
        try (var nd = ai.djl.ndarray.NDManager.newBaseManager()) {
            return LogitLens.softmax(m.nextTokenLogits(nd, Generator.promptIds(m, prompt), null,
                    lantern.subject.Hooks.none()));
        }
    }
}
