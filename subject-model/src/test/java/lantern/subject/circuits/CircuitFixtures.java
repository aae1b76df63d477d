package lantern.subject.circuits;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.TinyModels;
import lantern.subject.sae.SaeArchitecture;
import lantern.subject.sae.SaeWeights;
import lantern.subject.transcoder.Transcoder;
import lantern.subject.transcoder.TranscoderSet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Tiny random-weight decoders (GPT-2 with a BOS, Llama with grouped-query attention) and random transcoders. */
final class CircuitFixtures {
    static final TinyModels.Spec SPEC = new TinyModels.Spec(16, 3, 4, 2, 32, 64, 32);

    private CircuitFixtures() {
    }

    /** GPT-2 layout; {@code bos_token_id} 0 so position 0 is BOS. */
    static DecoderModel gpt2(Path dir) throws Exception {
        TinyModels.Spec s = new TinyModels.Spec(16, 3, 4, 4, 32, 64, 32);
        Path p = TinyModels.writeGpt2(dir.resolve("gpt2"), s, TinyModels.gpt2Weights(s, 3), "F32", "");
        ObjectMapper json = new ObjectMapper();
        ObjectNode cfg = (ObjectNode) json.readTree(p.resolve("config.json").toFile());
        cfg.put("bos_token_id", 0);
        Files.writeString(p.resolve("config.json"), json.writeValueAsString(cfg));
        return DecoderModels.load(p);
    }

    /** Llama layout with q/k/v biases and grouped-query attention (4 heads over 2 kv heads); no BOS. */
    static DecoderModel llama(Path dir) throws Exception {
        Path p = TinyModels.writeLlama(dir.resolve("llama"), SPEC, TinyModels.llamaWeights(SPEC, 22, true, false),
                "qwen2", false, 10000.0, "F32");
        return DecoderModels.load(p);
    }

    /** Random TopK (or ReLU) transcoders on the given layers. */
    static TranscoderSet transcoders(DecoderModel model, List<Integer> layers, int features, SaeArchitecture arch,
                                     int k, long seed, NDManager m) {
        Random r = new Random(seed);
        int d = model.config().dModel();
        List<Transcoder> ts = new ArrayList<>();
        for (int l : layers) {
            SaeWeights w = new SaeWeights(gauss(r, d * features, 0.4), gauss(r, features, 0.2),
                    gauss(r, features * d, 0.3), gauss(r, d, 0.1), null);
            ts.add(Transcoder.of(model.info().id(), l, d, features, arch, k, w, m));
        }
        return new TranscoderSet(model.info().id(), "test", ts);
    }

    static float[] gauss(Random r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * scale);
        return a;
    }
}
