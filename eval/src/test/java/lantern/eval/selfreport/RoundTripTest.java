package lantern.eval.selfreport;

import lantern.train.VerbalizerFixture;
import lantern.subject.HookNames;
import lantern.subject.bert.BertModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.Generator;
import lantern.subject.lens.Patchscope;
import lantern.subject.selfreport.Pool;
import lantern.subject.selfreport.StateReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RoundTripTest {
    static final List<String> SENTENCES = List.of(
            "The jury praised the city for the manner in which the election was conducted.",
            "She poured the tea and sat down by the window.",
            "Prices on the stock exchange fell sharply in the afternoon.",
            "The committee will meet again next Tuesday to discuss the budget.",
            "A small dog barked at the mailman every morning.",
            "Rain fell steadily over the hills all through the night.",
            "The senator refused to answer questions about the new tax bill.",
            "Children played baseball in the empty lot behind the church.");

    static BertModel minilm;

    @BeforeAll
    static void load() {
        minilm = BertModel.loadMiniLm();
    }

    @AfterAll
    static void close() {
        minilm.close();
    }

    /** FVE, cosine and F1 as an independent reference computes them: per-dimension variance, then the ratio. */
    @Test
    void theSetScoreIsWhatTheDefinitionGives() {
        Random r = new Random(3);
        List<float[]> a = new ArrayList<>(), b = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            float[] x = new float[5], y = new float[5];
            for (int k = 0; k < 5; k++) {
                x[k] = (float) r.nextGaussian();
                y[k] = x[k] + (float) (0.5 * r.nextGaussian());
            }
            a.add(x);
            b.add(y);
        }
        double sse = 0, sst = 0;
        for (int k = 0; k < 5; k++) {
            double mean = 0;
            for (float[] x : a) mean += x[k];
            mean /= a.size();
            for (int i = 0; i < a.size(); i++) {
                sse += Math.pow(a.get(i)[k] - b.get(i)[k], 2);
                sst += Math.pow(a.get(i)[k] - mean, 2);
            }
        }
        List<String> texts = List.of("a b", "c", "d e f", "g", "h", "i");
        List<String> said = List.of("a b", "x", "d e", "G!", "", "i i");
        RoundTrip.Score s = RoundTrip.score(a, b, said, texts);
        assertThat(s.fve()).isCloseTo(1 - sse / sst, within(1e-9));
        double cos0 = 0, na = 0, nb = 0;
        for (int k = 0; k < 5; k++) {
            cos0 += a.get(0)[k] * b.get(0)[k];
            na += a.get(0)[k] * a.get(0)[k];
            nb += b.get(0)[k] * b.get(0)[k];
        }
        assertThat(s.items().get(0).cosine()).isCloseTo(cos0 / Math.sqrt(na * nb), within(1e-6));
        // F1: 1, 0, 2*(1*2/3)/(1+2/3)=0.8, 1 (case and punctuation ignored), 0 (empty), 2*(.5*1)/(1.5)=2/3
        assertThat(s.meanTokenF1()).isCloseTo((1 + 0 + 0.8 + 1 + 0 + 2.0 / 3) / 6, within(1e-9));
    }

    @Test
    void minilmTheTrueTextComesBackWholeAndAnUnrelatedOneDoesNot() {
        for (String hook : List.of("blocks.2.hook_resid_post", HookNames.LN_FINAL)) {
            float[][] states = StateReader.read(minilm, hook, Pool.MEAN, SENTENCES);
            RoundTrip.Score same = RoundTrip.score(minilm, hook, Pool.MEAN, List.of(states), SENTENCES, SENTENCES);
            assertThat(same.fve()).as(hook).isCloseTo(1.0, within(1e-6));
            assertThat(same.meanCosine()).isCloseTo(1.0, within(1e-6));
            assertThat(same.meanTokenF1()).isEqualTo(1.0);
            List<String> shifted = new ArrayList<>(SENTENCES.subList(1, SENTENCES.size()));
            shifted.add(SENTENCES.get(0));
            RoundTrip.Score other = RoundTrip.score(minilm, hook, Pool.MEAN, List.of(states), shifted, SENTENCES);
            assertThat(other.fve()).as(hook + " unrelated").isLessThan(0.1);
            assertThat(other.meanTokenF1()).isLessThan(0.4);
        }
    }

    @Test
    void theEmbeddingPoolIsMiniLmsSentenceEmbedding() {
        float[][] states = StateReader.read(minilm, HookNames.LN_FINAL, Pool.EMBEDDING, SENTENCES);
        List<float[]> ref = minilm.embedAll(SENTENCES);
        for (int i = 0; i < states.length; i++) {
            for (int k = 0; k < states[i].length; k++) assertThat(states[i][k]).isCloseTo(ref.get(i)[k], within(1e-5f));
        }
    }

    @Test
    void decoderLastPoolIsTheStateAtTheLastTokenAndTheTrueTextComesBack() throws Exception {
        try (DecoderModel d = VerbalizerFixture.load()) {
            String hook = HookNames.residPost(0);
            List<String> texts = SENTENCES.stream().map(t -> String.join(" ", List.of(t.split(" ")).subList(0, 3)))
                    .toList(); // the tiny subject reads 24 tokens
            float[][] states = StateReader.read(d, hook, Pool.LAST, texts);
            for (int i = 0; i < 3; i++) {
                long[] ids = Generator.promptIds(d, texts.get(i));
                if (ids[0] != d.bosId()) {
                    long[] withBos = new long[ids.length + 1];
                    withBos[0] = d.bosId();
                    System.arraycopy(ids, 0, withBos, 1, ids.length);
                    ids = withBos;
                }
                float[] ref = Patchscope.residPost(d, ids, 0, ids.length - 1);
                for (int k = 0; k < ref.length; k++) assertThat(states[i][k]).isCloseTo(ref[k], within(1e-5f));
            }
            assertThat(RoundTrip.score(d, hook, Pool.LAST, List.of(states), texts, texts).fve())
                    .isCloseTo(1.0, within(1e-6));
        }
    }
}
