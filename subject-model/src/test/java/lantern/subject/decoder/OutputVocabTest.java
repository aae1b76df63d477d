package lantern.subject.decoder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A neuron whose output vector is a token's unembedding direction promotes that token first. */
class OutputVocabTest {
    static final TinyModels.Spec S = TinyModels.SMALL;

    @TempDir
    Path tmp;

    @Test
    void aLlamaNeuronWritingTheUnembeddingOfCatListsCatFirstAndItsNegativeLast() throws Exception {
        Map<String, float[]> w = TinyModels.llamaWeights(S, 4, false, false);
        int cat = 2; // "cat" in the tiny word-level tokenizer
        float[] head = w.get("lm_head.weight");              // [vocab, d]
        float[] down = w.get("model.layers.0.mlp.down_proj.weight"); // [d, dMlp]: column n is neuron n's output
        for (int i = 0; i < S.d(); i++) {
            head[cat * S.d() + i] *= 4;
            down[i * S.dMlp() + 9] = 3 * head[cat * S.d() + i];
        }
        TinyModels.writeLlama(tmp.resolve("m"), S, w, "llama", false, 10000, "F32");
        try (DecoderModel m = DecoderModels.load(tmp.resolve("m"))) {
            lantern.api.vocab.VocabEffect e = OutputVocab.ofNeuron(m, 0, 9, 10);
            assertThat(e.promoted()).hasSize(10);
            assertThat(e.promoted().get(0).token()).isEqualTo("cat");
            assertThat(e.promoted().get(0).logit()).isGreaterThan(e.promoted().get(1).logit());
            assertThat(e.suppressed().get(0).logit()).isLessThan(e.suppressed().get(1).logit());
            // the logit is exactly (w_out * gamma) . W_U[:, cat]
            float[] gamma = w.get("model.norm.weight");
            double expected = 0;
            for (int i = 0; i < S.d(); i++) expected += down[i * S.dMlp() + 9] * gamma[i] * head[cat * S.d() + i];
            assertThat((double) e.promoted().get(0).logit()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-3));
            // a direction written at mlp.hook_post goes through W_out: one-hot on neuron 9 gives the same list
            float[] oneHot = new float[S.dMlp()];
            oneHot[9] = 1;
            assertThat(OutputVocab.ofDirection(m, "blocks.0.mlp.hook_post", oneHot, 10).promoted().get(0).token())
                    .isEqualTo("cat");
        }
    }
}
