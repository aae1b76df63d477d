package lantern.subject.sae;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import lantern.subject.safetensors.SafetensorsFile;
import lantern.subject.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SAELens's on-disk format: a folder with {@code cfg.json} and {@code sae_weights.safetensors}.
 *
 * <p>Reading accepts both generations of SAELens config: the newer one ({@code architecture: "topk"}, a top-level
 * {@code k}, hook and model under {@code metadata}) and the older one ({@code architecture: "standard"} with
 * {@code activation_fn_str: "topk"} and {@code activation_fn_kwargs: {"k": 32}}, hook and model at the top). A
 * TopK SAE is recognised by any of these signs and never falls back to ReLU; a TopK config without a k is an error.
 * Writing puts both spellings in, so either SAELens generation reads our files.
 */
public final class SaeLensFormat {
    public static final String CFG = "cfg.json";
    public static final String WEIGHTS = "sae_weights.safetensors";
    /** Metadata keys naming the training architecture of a BatchTopK-family SAE saved as JumpReLU. */
    static final String TRAINING_ARCHITECTURE = "lantern_training_architecture";
    static final String TRAINING_K = "lantern_training_k";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SaeLensFormat() {
    }

    public static void save(Sae sae, Path dir) throws IOException {
        save(sae.config(), sae.weights(), dir);
    }

    public static void save(SaeConfig cfg, SaeWeights w, Path dir) throws IOException {
        Files.createDirectories(dir);
        // name order, as SAELens's Python writer lays them out, so the same SAE always gives the same bytes
        SafetensorsWriter st = new SafetensorsWriter().inNameOrder()
                .add("W_enc", w.wEnc(), cfg.dIn(), cfg.dSae())
                .add("b_enc", w.bEnc(), cfg.dSae())
                .add("W_dec", w.wDec(), cfg.dSae(), cfg.dIn())
                .add("b_dec", w.bDec(), cfg.dIn());
        if (cfg.architecture().hasThreshold()) st.add("threshold", w.threshold(), cfg.dSae());
        st.write(dir.resolve(WEIGHTS));
        writeJson(dir.resolve(CFG), cfgJson(cfg));
    }

    static Map<String, Object> cfgJson(SaeConfig cfg) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", cfg.architecture().savedCfgName());
        m.put("d_in", cfg.dIn());
        m.put("d_sae", cfg.dSae());
        m.put("dtype", "float32");
        m.put("device", "cpu");
        m.put("apply_b_dec_to_input", cfg.applyBDecToInput());
        m.put("normalize_activations", cfg.normalizeActivations());
        m.put("hook_name", cfg.hookName());
        m.put("model_name", cfg.model());
        if (cfg.architecture() == SaeArchitecture.TOPK) {
            m.put("k", cfg.k());
            m.put("activation_fn_str", "topk");
            m.put("activation_fn_kwargs", Map.of("k", cfg.k()));
        } else {
            m.put("activation_fn_str", "relu");
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("model_name", cfg.model());
        meta.put("hook_name", cfg.hookName());
        meta.put("hook_head_index", null);
        meta.put("prepend_bos", true);
        if (cfg.architecture().isBatchTopK()) {
            // saved as SAELens saves them for inference (a JumpReLU); what it was trained as, for a reload
            meta.put(TRAINING_ARCHITECTURE, cfg.architecture().cfgName());
            meta.put(TRAINING_K, cfg.k());
        }
        m.put("metadata", meta);
        return m;
    }

    /** Writes JSON to a temp file, then renames it into place. */
    public static void writeJson(Path path, Object value) throws IOException {
        Path abs = path.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), value);
            SafetensorsWriter.readableByAll(tmp);
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static SaeConfig readConfig(Path dir) throws IOException {
        Path cfgPath = dir.resolve(CFG);
        if (!Files.isRegularFile(cfgPath)) {
            throw new lantern.errors.NotFoundException("no SAE at " + dir + " (missing " + CFG + ")");
        }
        JsonNode c = JSON.readTree(cfgPath.toFile());
        if (c == null || !c.isObject()) throw new IllegalArgumentException(cfgPath + " is not a JSON object");
        JsonNode meta = c.path("metadata");
        String hook = text(c, "hook_name", text(meta, "hook_name", null));
        String model = text(c, "model_name", text(meta, "model_name", null));
        int dIn = requiredInt(c, "d_in", cfgPath);
        int dSae = requiredInt(c, "d_sae", cfgPath);
        String fn = text(c, "activation_fn_str", text(c, "activation_fn", ""));
        JsonNode kwargs = c.path("activation_fn_kwargs");
        boolean topkSign = "topk".equalsIgnoreCase(fn) || c.path("k").isNumber() || kwargs.path("k").isNumber();
        SaeArchitecture arch = SaeArchitecture.fromCfg(text(c, "architecture", "standard"));
        if (arch == SaeArchitecture.STANDARD && topkSign) arch = SaeArchitecture.TOPK;
        int k = 0;
        if (arch == SaeArchitecture.JUMPRELU && meta.path(TRAINING_ARCHITECTURE).isTextual()) {
            SaeArchitecture trained = SaeArchitecture.fromCfg(meta.path(TRAINING_ARCHITECTURE).asText());
            if (trained.isBatchTopK() && meta.path(TRAINING_K).isIntegralNumber()) {
                arch = trained;
                k = meta.path(TRAINING_K).asInt();
            }
        } else if (arch.isBatchTopK()) {
            // a SAELens training config: k may be a float there (a mean per token)
            if (!c.path("k").isNumber()) throw new IllegalArgumentException(cfgPath + ": a " + arch.cfgName() + " SAE must give k");
            k = (int) Math.round(c.path("k").asDouble());
        }
        if (arch == SaeArchitecture.TOPK) {
            JsonNode kNode = c.path("k").isNumber() ? c.path("k") : kwargs.path("k");
            if (!kNode.isIntegralNumber()) {
                throw new IllegalArgumentException(cfgPath + ": a TopK SAE must give k (\"k\" or activation_fn_kwargs.k)");
            }
            k = kNode.asInt();
        }
        boolean applyBDec = !c.has("apply_b_dec_to_input") || c.path("apply_b_dec_to_input").asBoolean(true);
        String norm = c.path("normalize_activations").isTextual() ? c.path("normalize_activations").asText() : "none";
        return new SaeConfig(model, hook, dIn, dSae, arch, k, applyBDec, norm);
    }

    public static Sae load(Path dir, NDManager manager) throws IOException {
        SaeConfig cfg = readConfig(dir);
        return Sae.of(cfg, readWeights(dir, cfg), manager);
    }

    public static SaeWeights readWeights(Path dir, SaeConfig cfg) throws IOException {
        Path wPath = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(wPath)) throw new lantern.errors.NotFoundException("no " + WEIGHTS + " in " + dir);
        try (SafetensorsFile r = SafetensorsFile.open(wPath)) {
            expectShape(r, "W_enc", cfg.dIn(), cfg.dSae());
            expectShape(r, "b_enc", cfg.dSae());
            expectShape(r, "W_dec", cfg.dSae(), cfg.dIn());
            expectShape(r, "b_dec", cfg.dIn());
            float[] threshold = null;
            if (cfg.architecture().hasThreshold()) {
                if (!r.contains("threshold")) {
                    throw new IllegalArgumentException(wPath + ": a " + cfg.architecture().cfgName() + " SAE needs a 'threshold'"
                            + " tensor (SAELens's inference save; a training checkpoint's float64 topk_threshold is not read)");
                }
                expectShape(r, "threshold", cfg.dSae());
                threshold = r.readFloats("threshold");
            }
            return new SaeWeights(r.readFloats("W_enc"), r.readFloats("b_enc"), r.readFloats("W_dec"),
                    r.readFloats("b_dec"), threshold);
        }
    }

    private static void expectShape(SafetensorsFile r, String name, long... shape) {
        long[] got = r.info(name).shape();
        if (!Arrays.equals(got, shape)) {
            throw new IllegalArgumentException(name + " has shape " + Arrays.toString(got) + ", cfg.json implies "
                    + Arrays.toString(shape));
        }
    }

    private static String text(JsonNode n, String field, String fallback) {
        JsonNode v = n.path(field);
        return v.isTextual() ? v.asText() : fallback;
    }

    private static int requiredInt(JsonNode n, String field, Path where) {
        JsonNode v = n.path(field);
        if (!v.isIntegralNumber()) throw new IllegalArgumentException(where + ": '" + field + "' must be an integer");
        return v.asInt();
    }
}
