package lantern.service;

import lantern.core.LanternConfig;
import lantern.errors.InvalidInputException;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDArrays;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import lantern.api.FeatureId;
import lantern.subject.Encoding;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.ModelInfo;
import lantern.subject.HookedModel;
import lantern.subject.sae.SaeFeatureSource;
import lantern.subject.transcoder.FeatureDictionaries;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Runs a text through a model and reads feature activations: chosen features, or the strongest at each token. */
@ApplicationScoped
public class ActivationService {
    @Inject
    ModelRegistry models;

    @Inject
    LanternConfig config;

    public record FeatureActivation(String feature, float activation) {
    }

    public record Chosen(String model, List<String> tokens, Map<String, float[]> activations) {
    }

    public record Strongest(String model, List<String> tokens, List<List<FeatureActivation>> top) {
    }

    public Chosen chosen(String modelId, String text, List<String> featureIds) {
        HookedModel model = models.hooked(modelId);
        Encoding e = encode(model, text);
        List<FeatureId> features = featureIds.stream().map(f -> checkFeature(model.info(), FeatureId.parse(f))).toList();
        // neurons read mlp.hook_post; SAE features read their SAE's hook and encode it
        Map<FeatureId, SaeFeatureSource> saes = new LinkedHashMap<>();
        Hooks hooks = Hooks.none();
        for (FeatureId f : features) {
            if (f.isNeuron()) {
                hooks.cache(HookNames.mlpPost(f.layer()));
            } else {
                SaeFeatureSource s = models.dictionaries().source(f.model(), f.layer(), f.kind());
                if (f.index() >= s.width()) {
                    throw new InvalidInputException("feature " + f.index() + " out of range: " + f.kind() + " has features 0.." + (s.width() - 1));
                }
                saes.put(f, s);
                hooks.cache(s.hook());
            }
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager m = model.manager().newSubManager()) {
            var cache = model.run(m, new long[][]{e.ids()}, new int[]{e.length()}, hooks).cache();
            for (FeatureId f : features) {
                NDArray column = f.isNeuron()
                        ? cache.get(HookNames.mlpPost(f.layer())).get("0, :, " + f.index())
                        : saes.get(f).features(cache.get(saes.get(f).hook())).get("0, :, " + f.index());
                out.put(f.toString(), column.toFloatArray());
            }
        }
        return new Chosen(modelId, Arrays.asList(e.tokens()), out);
    }

    /** The {@code k} strongest MLP neurons over all layers at each token ("search by inference"). */
    public Strongest strongest(String modelId, String text, int k) {
        return strongest(modelId, "mlp", null, text, k);
    }

    /**
     * The {@code k} strongest features of one kind at each token: MLP neurons of one layer or of all ({@code layer}
     * null), or the features of the SAE {@code kind} at {@code layer} (its hook encoded by the SAE).
     */
    public Strongest strongest(String modelId, String kind, Integer layer, String text, int k) {
        HookedModel model = models.hooked(modelId);
        ModelInfo info = model.info();
        if (layer != null && (layer < 0 || layer >= info.layers())) {
            throw new InvalidInputException("layer " + layer + " out of range: " + info.id() + " has layers 0.." + (info.layers() - 1));
        }
        boolean neurons = kind == null || kind.equals("mlp");
        if (!neurons && !FeatureDictionaries.isDictionaryKind(kind)) {
            throw new InvalidInputException("kind must be mlp, an SAE kind such as sae-resid_post-k32 or a transcoder kind"
                    + " such as tc-NAME: " + kind);
        }
        if (!neurons && layer == null) throw new InvalidInputException("an SAE or transcoder kind needs a layer");
        SaeFeatureSource sae = neurons ? null : models.dictionaries().source(modelId, layer, kind);
        Encoding e = encode(model, text);
        int[] layers = layer != null ? new int[] {layer} : java.util.stream.IntStream.range(0, info.layers()).toArray();
        Hooks hooks = Hooks.none();
        if (neurons) {
            for (int l : layers) hooks.cache(HookNames.mlpPost(l));
        } else {
            hooks.cache(sae.hook());
        }
        List<List<FeatureActivation>> top = new ArrayList<>();
        try (NDManager m = model.manager().newSubManager()) {
            var cache = model.run(m, new long[][]{e.ids()}, new int[]{e.length()}, hooks).cache();
            NDArray all; // [T, features]
            int width;
            if (neurons) {
                NDList perLayer = new NDList();
                for (int l : layers) perLayer.add(cache.get(HookNames.mlpPost(l)).get(0));
                all = NDArrays.concat(perLayer, 1);
                width = info.neuronsPerLayer();
            } else {
                all = sae.features(cache.get(sae.hook())).get(0);
                width = sae.width();
            }
            int kk = (int) Math.min(k, all.getShape().get(1));
            NDList best = all.topK(kk, 1, true, true);
            float[] values = best.get(0).toFloatArray();
            long[] indices = best.get(1).toLongArray();
            for (int t = 0; t < e.length(); t++) {
                List<FeatureActivation> row = new ArrayList<>(kk);
                for (int j = 0; j < kk; j++) {
                    long flat = indices[t * kk + j];
                    int l = neurons ? layers[(int) (flat / width)] : layer;
                    FeatureId id = neurons ? FeatureId.mlp(modelId, l, (int) (flat % width))
                            : new FeatureId(modelId, l, kind, (int) flat);
                    row.add(new FeatureActivation(id.toString(), values[t * kk + j]));
                }
                top.add(row);
            }
        }
        return new Strongest(modelId, Arrays.asList(e.tokens()), top);
    }

    private Encoding encode(HookedModel model, String text) {
        if (text == null || text.isBlank()) throw new InvalidInputException("text is empty");
        if (text.length() > config.maxTextChars()) {
            throw new InvalidInputException("text has " + text.length() + " characters; the limit is " + config.maxTextChars()
                    + " (lantern.max-text-chars)");
        }
        return model.toTokens(text);
    }

    /** A neuron id checked against the model's shape, or an SAE or transcoder feature id of one of the model's layers. */
    static FeatureId checkFeature(ModelInfo info, FeatureId f) {
        if (f.isNeuron() || !FeatureDictionaries.isDictionaryKind(f.kind())) return checkNeuron(info, f);
        if (!f.model().equals(info.id())) {
            throw new InvalidInputException("feature " + f + " belongs to model '" + f.model() + "', not '" + info.id() + "'");
        }
        if (f.layer() >= info.layers()) {
            throw new InvalidInputException("layer " + f.layer() + " out of range: " + info.id() + " has layers 0.." + (info.layers() - 1));
        }
        return f;
    }

    /** Checks a neuron id against the model's shape; the message says what is valid. */
    static FeatureId checkNeuron(ModelInfo info, FeatureId f) {
        if (!f.model().equals(info.id())) {
            throw new InvalidInputException("feature " + f + " belongs to model '" + f.model() + "', not '" + info.id() + "'");
        }
        if (!f.isNeuron()) {
            throw new InvalidInputException("feature kind '" + f.kind() + "' is not served here (use mlp, sae-... or tc-NAME)");
        }
        if (f.layer() >= info.layers()) {
            throw new InvalidInputException("layer " + f.layer() + " out of range: " + info.id() + " has layers 0.." + (info.layers() - 1));
        }
        if (f.index() >= info.neuronsPerLayer()) {
            throw new InvalidInputException("neuron " + f.index() + " out of range: layers have neurons 0.." + (info.neuronsPerLayer() - 1));
        }
        return f;
    }
}
