package lantern.subject.transcoder;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.subject.HookNames;
import lantern.subject.sae.SaeArchitecture;
import lantern.subject.sae.SaeConfig;
import lantern.subject.sae.SaeLensFormat;
import lantern.subject.sae.SaeWeights;
import lantern.subject.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SAELens' transcoder folder: {@code cfg.json} ({@code architecture} "transcoder" or "jumprelu_transcoder",
 * {@code d_in}, {@code d_sae}, {@code d_out}, {@code hook_name}, {@code hook_name_out}, {@code activation_fn} with
 * {@code activation_fn_kwargs}, model name) and {@code sae_weights.safetensors} ({@code W_enc [d_in, d_sae]},
 * {@code b_enc}, {@code W_dec [d_sae, d_out]}, {@code b_dec [d_out]}, and {@code threshold} for JumpReLU).
 *
 * <p>Reading also takes SAELens' nesting of hooks and model under {@code metadata}, and the older
 * {@code activation_fn_str}. Skip transcoders ({@code W_skip}) are refused with a clear message.
 */
public final class TranscoderFormat {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TranscoderFormat() {
    }

    public static void save(Transcoder t, Path dir) throws IOException {
        Files.createDirectories(dir);
        SaeConfig c = t.config();
        SaeWeights w = t.weights();
        SafetensorsWriter st = new SafetensorsWriter().inNameOrder()
                .add("W_enc", w.wEnc(), c.dIn(), c.dSae())
                .add("b_enc", w.bEnc(), c.dSae())
                .add("W_dec", w.wDec(), c.dSae(), c.dIn())
                .add("b_dec", w.bDec(), c.dIn());
        if (c.architecture() == SaeArchitecture.JUMPRELU) st.add("threshold", w.threshold(), c.dSae());
        // weights first, config last: a folder with a cfg.json is complete (each file lands by rename)
        Path tmp = Files.createTempFile(dir, "." + SaeLensFormat.WEIGHTS, ".tmp");
        try {
            st.write(tmp);
            Files.move(tmp, dir.resolve(SaeLensFormat.WEIGHTS), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        SaeLensFormat.writeJson(dir.resolve(SaeLensFormat.CFG), cfgJson(t));
    }

    static Map<String, Object> cfgJson(Transcoder t) {
        SaeConfig c = t.config();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", c.architecture() == SaeArchitecture.JUMPRELU ? "jumprelu_transcoder" : "transcoder");
        m.put("d_in", c.dIn());
        m.put("d_sae", c.dSae());
        m.put("d_out", c.dIn());
        m.put("dtype", "float32");
        m.put("device", "cpu");
        m.put("apply_b_dec_to_input", false);
        m.put("normalize_activations", "none");
        m.put("hook_name", t.hookIn());
        m.put("hook_name_out", t.hookOut());
        m.put("hook_layer", t.layer());
        m.put("hook_layer_out", t.layer());
        m.put("model_name", c.model());
        switch (c.architecture()) {
            case TOPK -> {
                m.put("activation_fn", "topk");
                m.put("activation_fn_kwargs", Map.of("k", c.k()));
            }
            case STANDARD -> {
                m.put("activation_fn", "relu");
                m.put("activation_fn_kwargs", Map.of());
            }
            case JUMPRELU -> {
                m.put("activation_fn", "jumprelu");
                m.put("activation_fn_kwargs", Map.of());
            }
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("model_name", c.model());
        meta.put("hook_name", t.hookIn());
        meta.put("hook_name_out", t.hookOut());
        meta.put("prepend_bos", true);
        m.put("metadata", meta);
        return m;
    }

    public static Transcoder load(Path dir, NDManager manager) throws IOException {
        Config c = readConfig(dir);
        SaeWeights w = SaeLensFormat.readWeights(dir, c.cfg());
        return Transcoder.of(c.cfg(), c.hookOut(), w, manager);
    }

    /** A transcoder folder's config: the encoder's {@link SaeConfig} and the hook its decoder writes. */
    public record Config(SaeConfig cfg, String hookOut) {
    }

    /**
     * Which weights a transcoder folder holds now ({@link SaeFingerprint} of its config and tensors, the value
     * {@code Sae#fingerprint} gives the loaded encoder), so a collection of its features can tell it was retrained.
     */
    public static String fingerprint(Path dir) throws IOException {
        Config c = readConfig(dir);
        return lantern.subject.sae.SaeFingerprint.of(c.cfg(), SaeLensFormat.readWeights(dir, c.cfg()));
    }

    public static Config readConfig(Path dir) throws IOException {
        Path cfgPath = dir.resolve(SaeLensFormat.CFG);
        if (!Files.isRegularFile(cfgPath)) {
            throw new lantern.errors.NotFoundException("no transcoder at " + dir + " (missing " + SaeLensFormat.CFG + ")");
        }
        JsonNode c = JSON.readTree(cfgPath.toFile());
        if (c == null || !c.isObject()) throw new IllegalArgumentException(cfgPath + " is not a JSON object");
        JsonNode meta = c.path("metadata");
        String arch = text(c, "architecture", "transcoder");
        if (arch.contains("skip")) {
            throw new IllegalArgumentException(cfgPath + ": skip transcoders (W_skip) are not supported");
        }
        if (!arch.equals("transcoder") && !arch.equals("jumprelu_transcoder")) {
            throw new IllegalArgumentException(cfgPath + ": architecture '" + arch
                    + "' is not a transcoder (transcoder, jumprelu_transcoder)");
        }
        String hookIn = text(c, "hook_name", text(meta, "hook_name", null));
        String hookOut = text(c, "hook_name_out", text(meta, "hook_name_out", null));
        if (hookIn == null || hookOut == null) {
            throw new IllegalArgumentException(cfgPath + ": a transcoder needs hook_name and hook_name_out");
        }
        // TransformerLens 2's spelling of the MLP input reads the same activation
        hookIn = hookIn.replace(".ln2.hook_normalized", ".mlp.hook_in");
        String model = text(c, "model_name", text(meta, "model_name", null));
        int dIn = c.path("d_in").asInt(-1);
        int dSae = c.path("d_sae").asInt(-1);
        int dOut = c.path("d_out").asInt(dIn);
        if (dOut != dIn) {
            throw new IllegalArgumentException(cfgPath + ": d_out " + dOut + " differs from d_in " + dIn
                    + "; an MLP transcoder reads and writes the residual width");
        }
        String fn = text(c, "activation_fn", text(c, "activation_fn_str", "relu"));
        JsonNode kwargs = c.path("activation_fn_kwargs");
        SaeArchitecture a;
        int k = 0;
        if (arch.equals("jumprelu_transcoder") || fn.equalsIgnoreCase("jumprelu")) {
            a = SaeArchitecture.JUMPRELU;
        } else if (fn.equalsIgnoreCase("topk") || kwargs.path("k").isNumber() || c.path("k").isNumber()) {
            a = SaeArchitecture.TOPK;
            JsonNode kNode = kwargs.path("k").isNumber() ? kwargs.path("k") : c.path("k");
            if (!kNode.isIntegralNumber()) {
                throw new IllegalArgumentException(cfgPath + ": a TopK transcoder must give activation_fn_kwargs.k");
            }
            k = kNode.asInt();
        } else if (fn.equalsIgnoreCase("relu")) {
            a = SaeArchitecture.STANDARD;
        } else {
            throw new IllegalArgumentException(cfgPath + ": unsupported activation_fn '" + fn + "' (topk, relu, jumprelu)");
        }
        int layer = HookNames.layerOf(hookIn);
        if (layer < 0 || HookNames.layerOf(hookOut) != layer) {
            throw new IllegalArgumentException(cfgPath + ": hook_name " + hookIn + " and hook_name_out " + hookOut
                    + " must be blocks of the same layer");
        }
        return new Config(new SaeConfig(model, hookIn, dIn, dSae, a, k, false, "none"), hookOut);
    }

    private static String text(JsonNode n, String field, String fallback) {
        JsonNode v = n.path(field);
        return v.isTextual() ? v.asText() : fallback;
    }
}
