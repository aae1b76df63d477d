package lantern.eval.selfreport;

import lantern.subject.HookPass;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import lantern.train.VerbalizerFixture;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.Generator;
import lantern.api.generate.Sampling;
import lantern.subject.lens.Patchscope;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The SelfIE-style self-report on a tiny decoder trained here: the prompt, the write, the reading. */
class SelfieStyleTest {
    @Test
    void theStateIsWrittenAtEveryPlaceholderAndTheReadingIsTheGreedyAnswer() throws Exception {
        try (DecoderModel d = VerbalizerFixture.load()) {
            long[] ids = SelfReports.selfiePrompt(d);
            int k = SelfReports.SELFIE_PLACEHOLDERS;
            assertThat(ids[0]).isEqualTo(d.bosId());
            for (int i = 2; i <= k; i++) assertThat(ids[i]).isEqualTo(ids[1]);
            assertThat(Arrays.copyOfRange(ids, 1 + k, ids.length))
                    .isEqualTo(d.tokenizer().encode(SelfReports.SELFIE_SUFFIX, false).ids());
            assertThat(SelfReports.selfieFits(d))
                    .isEqualTo(ids.length + SelfReports.PATCHSCOPE_TOKENS <= d.config().contextLength());
            assertThat(ids.length).as("the prompt fits the tiny model").isLessThan(d.config().contextLength());

            float[] state = new float[d.config().dModel()];
            Random r = new Random(2);
            for (int i = 0; i < state.length; i++) state[i] = (float) r.nextGaussian();
            String hook = HookNames.residPost(0);
            float[][] plain, patched;
            try (NDManager m = NDManager.newBaseManager("PyTorch")) {
                Hooks h0 = Hooks.none().cache(hook);
                HookPass h0Pass = h0.start();
                d.forward(m, new long[][]{ids}, null, h0Pass);
                plain = rows(h0Pass.get(hook), ids.length);
                Hooks h1 = Hooks.none().replace(hook, SelfReports.selfieWrite(state)).cache(hook);
                HookPass h1Pass = h1.start();
                d.forward(m, new long[][]{ids}, null, h1Pass);
                patched = rows(h1Pass.get(hook), ids.length);
            }
            for (int p = 0; p < ids.length; p++) {
                assertThat(patched[p]).isEqualTo(p >= 1 && p <= k ? state : plain[p]);
            }
            // the reading: the same greedy continuation with the state written one position at a time
            Hooks each = Hooks.none();
            for (int p = 1; p <= k; p++) each.replace(hook, Patchscope.writeAt(p, state));
            String expected = Generator.withCache(d, ids, Sampling.greedy(SelfReports.PATCHSCOPE_TOKENS), each).text();
            assertThat(SelfReports.selfie(d, 0, state)).isEqualTo(SelfReports.answer(expected));
        }
    }

    static float[][] rows(NDArray x, int n) {
        float[][] out = new float[n][];
        for (int p = 0; p < n; p++) out[p] = x.get(new NDIndex("0, {}", p)).toFloatArray();
        return out;
    }
}
