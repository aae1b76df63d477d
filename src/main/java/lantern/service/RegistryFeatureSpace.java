package lantern.service;

import lantern.errors.InvalidInputException;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import lantern.api.audit.FeatureSpace;
import lantern.subject.ModelInfo;

/** Model shapes for audits from the model registry: MLP neurons, SAE features and transcoder features (tc-NAME). */
@ApplicationScoped
@DefaultBean
public class RegistryFeatureSpace implements FeatureSpace {
    @Inject
    ModelRegistry models;

    @Override
    public int layers(String model) {
        return info(model).layers();
    }

    @Override
    public int width(String model, int layer, String kind) {
        ModelInfo info = info(model);
        if (layer < 0 || layer >= info.layers()) throw new InvalidInputException("model " + model + " has no layer " + layer);
        if ("mlp".equals(kind)) return info.neuronsPerLayer();
        if (lantern.subject.transcoder.FeatureDictionaries.isDictionaryKind(kind)) {
            try {
                return models.dictionaries().width(model, layer, kind);
            } catch (RuntimeException e) {
                throw new InvalidInputException("no " + (kind.startsWith("sae-") ? "SAE " : "transcoder ") + model + "/" + layer
                        + "/" + kind + " (train one: " + (kind.startsWith("sae-") ? "lantern sae train" : "lantern train transcoder")
                        + "): " + e.getMessage());
            }
        }
        throw new InvalidInputException("unknown feature kind for audits: " + kind + " (known: mlp, sae-..., tc-NAME)");
    }

    private ModelInfo info(String model) {
        try {
            return models.get(model).info();
        } catch (java.util.NoSuchElementException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }
}
