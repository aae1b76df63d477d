package lantern.explainer.selfreport;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import lantern.errors.InvalidInputException;
import lantern.errors.NotFoundException;
import lantern.api.FeatureId;
import lantern.explainer.explain.Explanation;
import lantern.explainer.explain.Rule;
import lantern.train.VerbalizerData;
import lantern.train.VerbalizerFixture;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.bert.BertModel;
import lantern.subject.selfreport.EncoderFeatureState;
import lantern.subject.selfreport.Pool;
import lantern.subject.selfreport.StateReader;
import lantern.subject.selfreport.Verbalizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code --explainer verbalizer} on MiniLM (real weights) with a tiny verbalizer of {@code blocks.1.hook_resid_post}
 * trained here (the fixture's tiny decoder writes the sentence, 30 steps): a neuron's direction is its W_out row
 * (recovered independently by switching the neuron on through {@code mlp.hook_post}), written into
 * {@code hook_mlp_out} and carried through the block's LayerNorm by the encoder; the state is recomputed one sentence
 * at a time by raising the neuron's own activation instead, and the label's rule is MiniLM's word pieces of what the
 * verbalizer writes.
 */
class VerbalizerEncoderExplainerTest {
    static final String HOOK = "blocks.1.hook_resid_post";
    static final int NEURON = 7;
    static Path data;
    static BertModel minilm;
    static Path verbalizer;
    static List<String> anchors;

    @BeforeAll
    static void train() throws Exception {
        data = VerbalizerFixture.encoderData();
        minilm = BertModel.loadMiniLm();
        verbalizer = VerbalizerFixture.encoderVerbalizer(data, minilm, HOOK, 30);
    }

    @AfterAll
    static void close() {
        if (minilm != null) minilm.close();
    }

    @Test
    void aNeuronWritesItsOutputRowIntoMlpOutAndIsReadAtResidPost() {
        var w = EncoderFeatureState.of(minilm, null, null, 1, "mlp", NEURON);
        assertThat(w.hook()).isEqualTo("blocks.1.hook_mlp_out");
        assertThat(w.readHook()).isEqualTo(HOOK);
        // independent: mlp_out with only this neuron on (activation 1) minus mlp_out with every neuron off = W_out[n]
        float[] on = mlpOutWithPost(NEURON, 1f);
        float[] off = mlpOutWithPost(NEURON, 0f);
        assertThat(w.vector()).hasSize(384);
        for (int k = 0; k < 384; k++) assertThat((double) w.vector()[k]).isCloseTo(on[k] - off[k], within(1e-4));
        assertThatThrownBy(() -> EncoderFeatureState.of(minilm, null, null, 1, "mlp", 1536))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> EncoderFeatureState.of(minilm, null, null, 1, "sae-resid_post-k4", 1))
                .hasMessageContaining("no SAEs");
    }

    /** mlp_out at the first token of a sentence with mlp.hook_post replaced by {@code value} at one neuron, 0 elsewhere. */
    private static float[] mlpOutWithPost(int neuron, float value) {
        float[] post = new float[1536];
        post[neuron] = value;
        long[] ids = StateReader.ids(minilm, "The jury said it.");
        try (NDManager m = minilm.manager().newSubManager()) {
            Hooks h = Hooks.none().replace(HookNames.mlpPost(1), a -> a.mul(0).add(a.getManager().create(post)))
                    .cache(HookNames.mlpOut(1));
            NDArray out = minilm.run(m, new long[][]{ids}, new int[]{ids.length}, h).cache().get(HookNames.mlpOut(1));
            float[] flat = out.toFloatArray();
            return java.util.Arrays.copyOf(flat, 384);
        }
    }

    @Test
    void theStateIsTheMeanPooledResidPostWithTheNeuronRaisedToATypicalMlpOutSpread() throws Exception {
        List<String> texts;
        try (Verbalizer v = Verbalizer.load("v", verbalizer)) {
            texts = anchors(v);
        }
        var w = EncoderFeatureState.of(minilm, null, null, 1, "mlp", NEURON);
        var s = EncoderFeatureState.state(minilm, w, Pool.MEAN, texts);
        // reference, one sentence at a time: spread² = E‖x‖² − ‖E x‖² over every token's mlp_out
        double[] sum = new double[384];
        double sq = 0;
        int n = 0;
        for (String t : texts) {
            for (float[] x : tokens(t, HookNames.mlpOut(1), Hooks.none())) {
                for (int k = 0; k < 384; k++) {
                    sum[k] += x[k];
                    sq += (double) x[k] * x[k];
                }
                n++;
            }
        }
        double meanSq = 0;
        for (double v : sum) meanSq += (v / n) * (v / n);
        assertThat(s.spread()).isCloseTo(Math.sqrt(sq / n - meanSq), within(1e-3 * s.spread()));
        // the neuron's own activation raised by spread / ‖W_out[n]‖ at every token writes spread · W_out[n]/‖W_out[n]‖
        double norm = 0;
        for (float v : w.vector()) norm += (double) v * v;
        float raise = (float) (s.spread() / Math.sqrt(norm));
        float[] bump = new float[1536];
        bump[NEURON] = raise;
        float[] expected = new float[384];
        float[] neutral = new float[384];
        for (String t : texts) {
            addMean(expected, tokens(t, HOOK, Hooks.none().replace(HookNames.mlpPost(1),
                    a -> a.add(a.getManager().create(bump)))), texts.size());
            addMean(neutral, tokens(t, HOOK, Hooks.none()), texts.size());
        }
        double moved = 0, err = 0, size = 0;
        for (int k = 0; k < 384; k++) {
            moved += Math.pow(s.state()[k] - neutral[k], 2);
            err += Math.pow(s.state()[k] - expected[k], 2);
            size += Math.pow(expected[k], 2);
            assertThat((double) s.neutral()[k]).isCloseTo(neutral[k], within(1e-3));
        }
        assertThat(Math.sqrt(err)).as("state vs the one-sentence reference").isLessThan(1e-3 * Math.sqrt(size));
        assertThat(Math.sqrt(moved)).as("the direction moved the state").isGreaterThan(0.05 * Math.sqrt(size));
    }

    /** The verbalizer's first held-out sentences (as the fixture trained it). */
    private static List<String> anchors(Verbalizer v) {
        if (anchors != null) return anchors;
        List<String> held = VerbalizerData.Sentences.load(v.decoder().tokenizer(), data,
                VerbalizerFixture.ENCODER_BROWN_FILES, VerbalizerFixture.ENCODER_MAX_TOKENS).held();
        assertThat(held).hasSizeGreaterThan(5);
        assertThat(VerbalizerData.Sentences.heldOut(v.decoder().tokenizer(), data, VerbalizerFixture.ENCODER_BROWN_FILES,
                VerbalizerFixture.ENCODER_MAX_TOKENS)).as("the held-out files alone give the same sentences")
                .isEqualTo(held);
        anchors = List.copyOf(held.subList(0, Math.min(held.size(), VerbalizerExplainers.ENCODER_ANCHOR_SENTENCES)));
        return anchors;
    }

    /** Every token's state at {@code hook} of one framed sentence, with {@code hooks} acting. */
    private static List<float[]> tokens(String text, String hook, Hooks hooks) {
        long[] ids = StateReader.ids(minilm, text);
        try (NDManager m = minilm.manager().newSubManager()) {
            float[] flat = minilm.run(m, new long[][]{ids}, new int[]{ids.length}, hooks.cache(hook)).cache().get(hook)
                    .toFloatArray();
            List<float[]> out = new ArrayList<>();
            for (int i = 0; i < ids.length; i++) out.add(java.util.Arrays.copyOfRange(flat, i * 384, (i + 1) * 384));
            return out;
        }
    }

    /** acc += mean over {@code tokens} / count (mean pooling, then the mean over sentences). */
    private static void addMean(float[] acc, List<float[]> tokens, int count) {
        for (float[] x : tokens) for (int k = 0; k < acc.length; k++) acc[k] += x[k] / tokens.size() / count;
    }

    @Test
    void theLabelIsWhatTheVerbalizerWritesAndItsRuleMiniLmsWordPiecesOfIt() throws Exception {
        try (var explainers = new VerbalizerExplainers(data, minilm, () -> null)) {
            FeatureId id = FeatureId.mlp(BertModel.MINILM_ID, 1, NEURON);
            Explanation e = explainers.forFeature(id).explain(VerbalizerExplainerTest.noWindows());
            assertThat(e.explainer()).isEqualTo(VerbalizerExplainer.NAME);
            Matcher mt = Pattern.compile("verbalized direction: \"(.+)\" \\(its words\\)").matcher(e.text());
            assertThat(mt.matches()).as(e.text()).isTrue();
            String said = mt.group(1);
            try (Verbalizer v = Verbalizer.load("v", verbalizer)) {
                List<String> texts = anchors(v);
                float[] state = EncoderFeatureState.state(minilm, EncoderFeatureState.of(minilm, null, null, 1, "mlp",
                        NEURON), Pool.MEAN, texts).state();
                String greedy = v.generate(state, 1, v.maxNewTokens() + 1).text().strip();
                assertThat(greedy).as("the label is the verbalizer's text (cut on a word)").startsWith(said);
            }
            // the rule: MiniLM's own word pieces of the label, punctuation left out (independent: a regex on tokens)
            var enc = minilm.tokenizer().encode(said, false);
            Set<String> pieces = new TreeSet<>();
            for (String t : enc.tokens()) if (t.matches(".*[\\p{L}\\p{N}].*")) pieces.add(t);
            assertThat(e.rule()).isEqualTo(Rule.tokens(pieces));
            assertThat(explainers.forFeature(id).explain(VerbalizerExplainerTest.noWindows()).text())
                    .as("a pure function of the feature").isEqualTo(e.text());
        }
    }

    @Test
    void aLayerWithoutAVerbalizerNamesTheCommandThatTrainsOne() {
        try (var explainers = new VerbalizerExplainers(data, minilm, () -> null)) {
            assertThatThrownBy(() -> explainers.forFeature(FeatureId.mlp(BertModel.MINILM_ID, 3, 1)))
                    .isInstanceOf(NotFoundException.class)
                    .hasMessageContaining("lantern train verbalizer --model minilm-l6 --hook blocks.3.hook_resid_post");
            assertThatThrownBy(() -> explainers.forFeature(FeatureId.mlp(BertModel.MINILM_ID, 1, 5000)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("out of range");
        }
    }
}
