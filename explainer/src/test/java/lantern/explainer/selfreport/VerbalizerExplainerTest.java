package lantern.explainer.selfreport;

import lantern.errors.NotFoundException;
import lantern.api.FeatureId;
import lantern.explainer.explain.Explanation;
import lantern.explainer.explain.RecordSplit;
import lantern.explainer.explain.Rule;
import lantern.train.VerbalizerData;
import lantern.train.VerbalizerFixture;
import lantern.train.VerbalizerTrainingRun;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderRegistry;
import lantern.subject.decoder.Generation;
import lantern.subject.safetensors.SafetensorsFile;
import lantern.subject.selfreport.FeatureDirection;
import lantern.subject.selfreport.Pool;
import lantern.subject.selfreport.Verbalizer;
import lantern.subject.selfreport.VerbalizerNames;
import lantern.subject.selfreport.Verbalizers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code --explainer verbalizer} on a tiny decoder trained here and a tiny verbalizer trained on it for 30 steps:
 * the direction is the neuron's row of the output projection (read independently from the safetensors file), the
 * state is the held-out mean plus the RMS spread along it (recomputed in plain Java), the label is what the
 * verbalizer writes for that state and its rule the token it ends on.
 */
class VerbalizerExplainerTest {
    static final Path DATA = Path.of("target/verbalizer-explainer-data").toAbsolutePath();
    static final String SUBJECT = VerbalizerFixture.SUBJECT;
    static final String HOOK = VerbalizerFixture.HOOK;
    static DecoderModel subject;

    @BeforeAll
    static void train() throws Exception {
        Path brown = DATA.resolve("corpora").resolve("brown");
        if (!Files.exists(brown)) {
            Files.createDirectories(brown.getParent());
            Files.createSymbolicLink(brown, Path.of("lantern-data/corpora/brown").toAbsolutePath());
        }
        new DecoderRegistry(DATA).add(SUBJECT, VerbalizerFixture.subject(), null);
        subject = VerbalizerFixture.load();
        String name = VerbalizerNames.of(SUBJECT, HOOK, Pool.LAST, true);
        VerbalizerTrainingRun run = new VerbalizerTrainingRun(DATA);
        if (!run.trained(name)) {
            run.run(VerbalizerFixture.options(name, 30, 0), VerbalizerFixture.data(subject), VerbalizerFixture.quiet());
        }
    }

    @AfterAll
    static void close() {
        if (subject != null) subject.close();
    }

    static RecordSplit noWindows() {
        return new RecordSplit(List.of(), List.of(), List.of(), 0f);
    }

    @Test
    void aNeuronsDirectionIsItsRowOfTheOutputProjection() throws Exception {
        int dMlp = subject.config().dMlp(), d = subject.config().dModel();
        float[] downProj;  // HF layout [d_model, d_mlp]
        try (SafetensorsFile f = SafetensorsFile.open(VerbalizerFixture.subject().resolve("model.safetensors"))) {
            downProj = f.readFloats("model.layers.0.mlp.down_proj.weight");
        }
        for (int neuron : new int[]{0, 5, dMlp - 1}) {
            FeatureDirection fd = FeatureDirection.of(subject, null, 0, "mlp", neuron);
            assertThat(fd.hook()).isEqualTo("blocks.0.hook_resid_post");
            assertThat(fd.vector()).hasSize(d);
            for (int j = 0; j < d; j++) assertThat(fd.vector()[j]).isEqualTo(downProj[j * dMlp + neuron]);
        }
        assertThatThrownBy(() -> FeatureDirection.of(subject, null, 0, "mlp", dMlp))
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> FeatureDirection.of(subject, null, 0, "sae-resid_post-k4", 1))
                .hasMessageContaining("no SAEs");
    }

    @Test
    void theAnchorIsTheMeanStatePlusTheRmsSpreadAlongTheDirection() {
        Random r = new Random(4);
        List<float[]> states = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            float[] s = new float[5];
            for (int j = 0; j < 5; j++) s[j] = (float) (r.nextGaussian() * (j + 1) + 3);
            states.add(s);
        }
        var a = VerbalizerExplainer.Anchor.of(states);
        // independent reference: spread² = E‖s‖² − ‖E s‖², per coordinate sums
        double sq = 0, meanSq = 0;
        for (int j = 0; j < 5; j++) {
            double m = 0;
            for (float[] s : states) {
                m += s[j];
                sq += (double) s[j] * s[j];
            }
            m /= states.size();
            assertThat((double) a.mean()[j]).isCloseTo(m, within(1e-5));
            meanSq += m * m;
        }
        assertThat(a.spread()).isCloseTo(Math.sqrt(sq / states.size() - meanSq), within(1e-4));
        float[] dir = {3, 0, -4, 0, 0};
        float[] st = a.state(dir);
        float[] expected = {(float) (a.mean()[0] + a.spread() * 0.6), a.mean()[1], (float) (a.mean()[2] - a.spread() * 0.8),
                a.mean()[3], a.mean()[4]};
        for (int j = 0; j < 5; j++) assertThat(st[j]).isCloseTo(expected[j], within(1e-5f));
        assertThatThrownBy(() -> a.state(new float[5])).hasMessageContaining("zero");
    }

    @Test
    void theLabelIsWhatTheVerbalizerWritesForTheFeaturesStateAndItsLastToken() throws Exception {
        int neuron = 5;
        try (var explainers = new VerbalizerExplainers(DATA, subject, () -> null)) {
            Explanation e = explainers.forFeature(FeatureId.mlp(SUBJECT, 0, neuron)).explain(noWindows());
            assertThat(e.explainer()).isEqualTo(VerbalizerExplainer.NAME);
            // the same state built independently: held-out windows of the fixture's data, mean + spread along W_out[n]
            List<float[]> held = VerbalizerFixture.data(subject).heldOut(1, VerbalizerExplainers.ANCHOR_STATES).stream()
                    .map(VerbalizerData.Example::state).toList();
            var anchor = explainers.anchor(HOOK);
            int w = held.get(0).length;
            double[] mean = new double[w];
            for (float[] s : held) for (int j = 0; j < w; j++) mean[j] += s[j] / held.size();
            for (int j = 0; j < w; j++) assertThat((double) anchor.mean()[j]).isCloseTo(mean[j], within(1e-4));
            float[] dir = FeatureDirection.of(subject, null, 0, "mlp", neuron).vector();
            double norm = 0;
            for (float v : dir) norm += v * v;
            float[] state = new float[w];
            for (int j = 0; j < w; j++) state[j] = (float) (anchor.mean()[j] + anchor.spread() * dir[j] / Math.sqrt(norm));
            String name = VerbalizerNames.of(SUBJECT, HOOK, Pool.LAST, true);
            try (Verbalizer v = Verbalizer.load(name, Verbalizers.folder(name, DATA))) {
                Generation g = v.generate(state, 1);
                assertThat(g.generatedIds()).as("at least one token (min_new_tokens)").isNotEmpty();
                assertThat(v.generate(state, 3).generatedIds().length).isGreaterThanOrEqualTo(3);
                long[] ids = g.generatedIds();
                String said = g.text();
                if (ids.length == v.maxNewTokens()) {  // cut at the cap: back to a word boundary (string reference)
                    String ahead = v.generate(state, 1, ids.length + 1).text();
                    said = cutAtWord(said, ahead);
                    int k = ids.length;
                    while (!v.decoder().tokenizer().decode(java.util.Arrays.copyOf(ids, k)).equals(said)) k--;
                    ids = java.util.Arrays.copyOf(ids, k);
                }
                String last = v.decoder().tokenizer().token(ids[ids.length - 1]);
                assertThat(e.text()).isEqualTo("verbalized direction: \"" + said.strip() + "\" (the token '"
                        + last.strip() + "')");
                assertThat(e.rule()).isEqualTo(Rule.tokens(java.util.Set.of(last)));
            }
            // a pure function of the feature: the same label again; another neuron reads another state
            assertThat(explainers.forFeature(FeatureId.mlp(SUBJECT, 0, neuron)).explain(noWindows()).text())
                    .isEqualTo(e.text());
        }
    }

    /**
     * Reference for a label cut at the cap, on strings: {@code text} as it is when {@code ahead} (the text one token
     * longer) goes on with a character that is not a letter or digit, else {@code text} without its last run of
     * letters and digits and the spaces before it (unless nothing would be left).
     */
    static String cutAtWord(String text, String ahead) {
        if (ahead.length() == text.length() || !Character.isLetterOrDigit(ahead.codePointAt(text.length()))) {
            return text;
        }
        int end = text.length();
        while (end > 0 && Character.isLetterOrDigit(text.charAt(end - 1))) end--;
        return text.substring(0, end).isBlank() ? text : text.substring(0, end).stripTrailing();
    }

    @Test
    void aLabelCutAtTheCapEndsOnAWholeWordNotAWordPiece() {
        var tok = subject.tokenizer();
        String sentence = "The committee reported yesterday that the investigation was progressing, slowly.";
        long[] ids = tok.encode(sentence, false).ids();
        int midWord = 0;
        for (int cap = 1; cap < ids.length; cap++) {
            long[] cut = VerbalizerExplainer.atWordBoundary(ids, cap, tok);
            String text = tok.decode(java.util.Arrays.copyOf(ids, cap));
            String ahead = tok.decode(java.util.Arrays.copyOf(ids, cap + 1));
            assertThat(tok.decode(cut)).as("cap " + cap).isEqualTo(cutAtWord(text, ahead));
            if (!cutAtWord(text, ahead).equals(text)) midWord++;
        }
        assertThat(midWord).as("caps that fall inside a word (the tiny BPE splits most words)").isGreaterThan(3);
        // a text that ended before the cap is kept whole
        assertThat(VerbalizerExplainer.atWordBoundary(ids, ids.length, tok)).isEqualTo(ids);
    }

    @Test
    void aTranscoderFeatureIsVerbalizedFromItsDecoderRowAtResidPostOfItsLayer() throws Exception {
        int d = subject.config().dModel(), f = 16, feature = 11;
        Random r = new Random(9);
        float[][] parts = {new float[d * f], new float[f], new float[f * d], new float[d]};
        for (float[] a : parts) for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        Path dir = lantern.subject.transcoder.TranscoderSet.layerDir(DATA, SUBJECT, "x", 0);
        try (var m = ai.djl.ndarray.NDManager.newBaseManager("PyTorch");
             var t = lantern.subject.transcoder.Transcoder.of(SUBJECT, 0, d, f,
                     lantern.subject.sae.SaeArchitecture.TOPK, 4,
                     new lantern.subject.sae.SaeWeights(parts[0], parts[1], parts[2], parts[3], null), m)) {
            lantern.subject.transcoder.TranscoderFormat.save(t, dir);
        }
        float[] wDec;  // read back independently: W_dec [d_sae, d_in] in the saved safetensors
        try (SafetensorsFile sf = SafetensorsFile.open(dir.resolve("sae_weights.safetensors"))) {
            wDec = sf.readFloats("W_dec");
        }
        float[] row = java.util.Arrays.copyOfRange(wDec, feature * d, (feature + 1) * d);
        try (var tcs = new lantern.subject.transcoder.TranscoderStore(DATA, subject.manager());
             var explainers = new VerbalizerExplainers(DATA, subject, () -> null, () -> tcs)) {
            FeatureDirection fd = FeatureDirection.of(subject, null, tcs, 0, "tc-x", feature);
            assertThat(fd.hook()).as("the transcoder writes into hook_mlp_out: read in resid_post")
                    .isEqualTo("blocks.0.hook_resid_post");
            assertThat(fd.vector()).containsExactly(row);
            FeatureId id = new FeatureId(SUBJECT, 0, "tc-x", feature);
            Explanation e = explainers.forFeature(id).explain(noWindows());
            String name = VerbalizerNames.of(SUBJECT, HOOK, Pool.LAST, true);
            try (Verbalizer v = Verbalizer.load(name, Verbalizers.folder(name, DATA))) {
                Explanation expected = new VerbalizerExplainer(v, explainers.anchor(HOOK).state(row), id.toString())
                        .explain(noWindows());
                assertThat(e.text()).startsWith("verbalized direction: ").isEqualTo(expected.text());
            }
            assertThatThrownBy(() -> explainers.forFeature(new FeatureId(SUBJECT, 0, "tc-x", f)))
                    .hasMessageContaining("out of range");
        }
        try (var explainers = new VerbalizerExplainers(DATA, subject, () -> null)) {
            assertThatThrownBy(() -> explainers.forFeature(new FeatureId(SUBJECT, 0, "tc-x", 1)))
                    .hasMessageContaining("no transcoders");
        }
    }

    @Test
    void aHookWithoutAVerbalizerNamesTheCommandThatTrainsOne(@TempDir Path empty) {
        try (var explainers = new VerbalizerExplainers(empty, subject, () -> null)) {
            assertThatThrownBy(() -> explainers.forFeature(FeatureId.mlp(SUBJECT, 0, 1)))
                    .isInstanceOf(NotFoundException.class)
                    .hasMessageContaining("lantern train verbalizer --model " + SUBJECT + " --hook " + HOOK);
            assertThatThrownBy(() -> explainers.forFeature(FeatureId.mlp("other", 0, 1)))
                    .hasMessageContaining("is not of " + SUBJECT);
        }
    }
}
