package lantern.train;

import lantern.subject.transcoder.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.subject.HookNames;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.TinyModels;
import lantern.subject.sae.HookActivationCollector;
import lantern.subject.sae.SaeArchitecture;
import lantern.train.SaeTrainer;
import lantern.train.SaeTrainingOptions;
import lantern.subject.sae.SaeWeights;
import lantern.subject.sae.TokenActivations;
import lantern.subject.safetensors.SafetensorsWriter;
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

/** SAELens' transcoder format both ways, the encoder without b_dec on its input, and training on a tiny decoder. */
class TranscoderTest {
    static NDManager manager;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static float[] gauss(Random r, int n, double s) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * s);
        return a;
    }

    @Test
    void savesSaeLensTranscoderFolderAndReadsItBack(@TempDir Path dir) throws Exception {
        int d = 8, f = 20, k = 3;
        Random r = new Random(3);
        SaeWeights w = new SaeWeights(gauss(r, d * f, 0.5), gauss(r, f, 0.2), gauss(r, f * d, 0.5), gauss(r, d, 1.0), null);
        try (Transcoder t = Transcoder.of("tiny", 2, d, f, SaeArchitecture.TOPK, k, w, manager)) {
            TranscoderFormat.save(t, dir);
            JsonNode cfg = JSON.readTree(dir.resolve("cfg.json").toFile());
            assertThat(cfg.get("architecture").asText()).isEqualTo("transcoder");
            assertThat(cfg.get("d_in").asInt()).isEqualTo(d);
            assertThat(cfg.get("d_sae").asInt()).isEqualTo(f);
            assertThat(cfg.get("d_out").asInt()).isEqualTo(d);
            assertThat(cfg.get("hook_name").asText()).isEqualTo("blocks.2.mlp.hook_in");
            assertThat(cfg.get("hook_name_out").asText()).isEqualTo("blocks.2.hook_mlp_out");
            assertThat(cfg.get("activation_fn").asText()).isEqualTo("topk");
            assertThat(cfg.get("activation_fn_kwargs").get("k").asInt()).isEqualTo(k);
            assertThat(cfg.get("model_name").asText()).isEqualTo("tiny");
            assertThat(cfg.get("apply_b_dec_to_input").asBoolean()).isFalse();
            try (Transcoder back = TranscoderFormat.load(dir, manager); NDManager m = manager.newSubManager()) {
                assertThat(back.weights().wEnc()).containsExactly(w.wEnc());
                assertThat(back.weights().bDec()).containsExactly(w.bDec());
                assertThat(back.config().k()).isEqualTo(k);
                float[] x = gauss(new Random(4), 5 * d, 1.0);
                NDArray in = m.create(x, new Shape(5, d));
                float[] got = back.encode(in).toFloatArray();
                // plain Java: TopK of relu(x W_enc + b_enc), b_dec never subtracted from x
                for (int row = 0; row < 5; row++) {
                    double[] pre = new double[f];
                    for (int j = 0; j < f; j++) {
                        pre[j] = w.bEnc()[j];
                        for (int i = 0; i < d; i++) pre[j] += x[row * d + i] * w.wEnc()[i * f + j];
                    }
                    double[] sorted = pre.clone();
                    java.util.Arrays.sort(sorted);
                    double kth = sorted[f - k];
                    for (int j = 0; j < f; j++) {
                        double want = pre[j] >= kth ? Math.max(pre[j], 0) : 0;
                        assertThat((double) got[row * f + j]).isCloseTo(want, within(1e-4));
                    }
                }
                float[] y = back.predict(in).toFloatArray();
                for (int i = 0; i < d; i++) {
                    double s = w.bDec()[i];
                    for (int j = 0; j < f; j++) s += got[j] * w.wDec()[j * d + i];
                    assertThat((double) y[i]).isCloseTo(s, within(1e-4));
                }
            }
        }
    }

    @Test
    void loadsTranscodersAsSaeLensWritesThem(@TempDir Path dir) throws Exception {
        int d = 6, f = 10;
        Random r = new Random(5);
        // a JumpReLU transcoder with hooks under metadata and TransformerLens 2's ln2 name for the MLP input
        Files.writeString(dir.resolve("cfg.json"), """
                {"architecture": "jumprelu_transcoder", "d_in": 6, "d_sae": 10, "d_out": 6, "dtype": "float32",
                 "device": "cpu", "apply_b_dec_to_input": false, "normalize_activations": "none",
                 "metadata": {"model_name": "gemma", "hook_name": "blocks.1.ln2.hook_normalized",
                              "hook_name_out": "blocks.1.hook_mlp_out"}}""");
        float[] threshold = new float[f];
        java.util.Arrays.fill(threshold, 0.3f);
        new SafetensorsWriter().add("W_enc", gauss(r, d * f, 0.5), d, f).add("b_enc", gauss(r, f, 0.1), f)
                .add("W_dec", gauss(r, f * d, 0.5), f, d).add("b_dec", gauss(r, d, 0.1), d)
                .add("threshold", threshold, f).write(dir.resolve("sae_weights.safetensors"));
        try (Transcoder t = TranscoderFormat.load(dir, manager); NDManager m = manager.newSubManager()) {
            assertThat(t.config().architecture()).isEqualTo(SaeArchitecture.JUMPRELU);
            assertThat(t.layer()).isEqualTo(1);
            assertThat(t.hookIn()).isEqualTo("blocks.1.mlp.hook_in");
            float[] a = t.encode(m.create(gauss(new Random(6), 4 * d, 2.0), new Shape(4, d))).toFloatArray();
            int on = 0;
            for (float v : a) {
                assertThat(v == 0f || v > 0.3f).isTrue();
                if (v > 0) on++;
            }
            assertThat(on).isGreaterThan(0);
        }
        Files.writeString(dir.resolve("cfg.json"), """
                {"architecture": "skip_transcoder", "d_in": 6, "d_sae": 10, "d_out": 6,
                 "hook_name": "blocks.1.mlp.hook_in", "hook_name_out": "blocks.1.hook_mlp_out"}""");
        assertThatThrownBy(() -> TranscoderFormat.load(dir, manager)).hasMessageContaining("skip transcoders");
    }

    @Test
    void trainsOnATinyDecodersMlpAndBeatsZeroAblation(@TempDir Path tmp) throws Exception {
        TinyModels.Spec s = new TinyModels.Spec(16, 2, 4, 2, 32, 64, 64);
        Path p = TinyModels.writeLlama(tmp.resolve("m"), s, TinyModels.llamaWeights(s, 31, false, false), "llama", false,
                10000.0, "F32");
        try (DecoderModel model = DecoderModels.load(p); NDManager nd = model.manager().newSubManager()) {
            String[] words = {"the", "cat", "sat", "on", "mat", "a", "dog", "ran", "of", "in", "is", "Paris"};
            Random r = new Random(1);
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                StringBuilder sb = new StringBuilder();
                for (int j = 0; j < 12; j++) sb.append(j == 0 ? "" : " ").append(words[r.nextInt(words.length)]);
                texts.add(sb.toString());
            }
            HookActivationCollector c = new HookActivationCollector(model);
            TokenActivations in = c.collect(HookNames.mlpIn(1), texts, 3000, nd, n -> { });
            TokenActivations out = c.collect(HookNames.mlpOut(1), texts, 3000, nd, n -> { });
            SaeTrainingOptions opt = new SaeTrainingOptions(SaeArchitecture.TOPK, 64, 8, 0, 4e-3f, 256, 8, 2000, 50, 7);
            SaeTrainer.TranscoderResult t = new SaeTrainer(opt, null).trainTranscoder(in, out, nd);
            try (Transcoder tc = Transcoder.of(model.info().id(), 1, 16, 64, SaeArchitecture.TOPK, 8, t.weights(), nd)) {
                TranscoderEvaluator.Reconstruction rec = TranscoderEvaluator.reconstruction(tc, in, out);
                assertThat(rec.explainedVariance()).as("a random MLP is hard to fit; the mean predicts 0").isGreaterThan(0.25);
                assertThat(rec.l0()).isLessThanOrEqualTo(8.0);
                TranscoderSet one = new TranscoderSet(model.info().id(), "t", List.of(tc));
                var loss = TranscoderEvaluator.nextToken(model, one, texts.subList(0, 20));
                assertThat(Math.abs(loss.replaced() - loss.clean())).isLessThan(Math.abs(loss.zeroAblated() - loss.clean()));
            }
        }
    }
}
