package lantern.service;

import lantern.errors.InvalidInputException;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import lantern.eval.audit.FeatureSpace;
import lantern.subject.ModelInfo;

/** Model shapes for audits from the model registry: MLP neurons only (SAE kinds join when SAEs are registered). */
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
        if (kind.startsWith("sae-")) {
            try {
                return models.saes().get(model, layer, kind).config().dSae();
            } catch (RuntimeException e) {
                throw new InvalidInputException("no SAE " + model + "/" + layer + "/" + kind + " (train one: lantern sae train): " + e.getMessage());
            }
        }
        throw new InvalidInputException("unknown feature kind for audits: " + kind + " (known: mlp, sae-...)");
    }

    private ModelInfo info(String model) {
        try {
            return models.get(model).info();
        } catch (java.util.NoSuchElementException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }
}
