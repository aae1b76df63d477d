package lantern.eval.causal;

import lantern.api.causal.CausalScore;
import lantern.api.FeatureId;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.Interventions;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The decoder causal check: next-token KL and log-prob drop under an ablation, top versus random texts. */
class DecoderCausalTest {
    static final TinyModels.Spec S = new TinyModels.Spec(16, 2, 4, 2, 32, 64, 64);

    @TempDir
    Path tmp;

    @Test
    void ablatingANeuronThatWritesNothingChangesNothingAndAStrongOneDoes() throws Exception {
        Map<String, float[]> w = TinyModels.llamaWeights(S, 21, false, false);
        float[] down = w.get("model.layers.1.mlp.down_proj.weight"); // [d, dMlp]: column n is neuron n's output
        for (int i = 0; i < S.d(); i++) {
            down[i * S.dMlp() + 4] = 0f;       // neuron 4 writes nothing
            down[i * S.dMlp() + 7] *= 20f;     // neuron 7 writes strongly
        }
        TinyModels.writeLlama(tmp.resolve("m"), S, w, "llama", false, 10000, "F32");
        try (DecoderModel m = DecoderModels.load(tmp.resolve("m"))) {
            DecoderCausalScorer scorer = new DecoderCausalScorer(m, null);
            List<String> texts = List.of("the cat sat on the mat", "a dog ran", "hello the cat");
            CausalScore none = scorer.ablationScore(FeatureId.parse("m/1/mlp/4"), texts, texts);
            assertThat(none.topEffect()).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(none.selectivity()).isZero();
            CausalScore strong = scorer.ablationScore(FeatureId.parse("m/1/mlp/7"), texts, List.of("a dog ran"));
            assertThat(strong.topEffect()).isGreaterThan(1e-3);
            assertThat(strong.intervention()).contains("zero-ablate m/1/mlp/7").contains("next-token KL")
                    .contains("log-prob drop");
            // identical texts on both sides: the same effect, selectivity 0
            CausalScore same = scorer.ablationScore(FeatureId.parse("m/1/mlp/7"), texts, texts);
            assertThat(same.selectivity()).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-9));
            // the KL of one text equals a direct computation's sign: an ablation only ever adds divergence
            var e = scorer.effects(Hooks.none().replace(HookNames.mlpPost(1), Interventions.zeroAblate(7)),
                    List.of("the cat sat"));
            assertThat(e[0].kl()).isPositive();
        }
    }
}
