package lantern.api;

import lantern.errors.InvalidInputException;

import java.util.regex.Pattern;

/**
 * A feature's stable id: {@code {model}/{layer}/{kind}/{index}}, e.g. {@code minilm-l6/3/mlp/1234} or
 * {@code minilm-l6/3/sae-resid_post-k32/77}.
 */
public record FeatureId(String model, int layer, String kind, int index) {
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9._-]+");

    public FeatureId {
        if (model == null || !PART.matcher(model).matches()) throw new InvalidInputException("bad model name: " + model);
        if (kind == null || !PART.matcher(kind).matches()) throw new InvalidInputException("bad feature kind: " + kind);
        if (layer < 0) throw new InvalidInputException("layer must be >= 0: " + layer);
        if (index < 0) throw new InvalidInputException("index must be >= 0: " + index);
    }

    public static FeatureId mlp(String model, int layer, int index) {
        return new FeatureId(model, layer, "mlp", index);
    }

    /** Parses {@code model/layer/kind/index}; throws IllegalArgumentException with a readable message. */
    public static FeatureId parse(String id) {
        if (id == null) throw new InvalidInputException("feature id is missing");
        String[] p = id.split("/");
        if (p.length != 4) {
            throw new InvalidInputException("feature id must look like model/layer/kind/index, e.g. minilm-l6/3/mlp/17: " + id);
        }
        try {
            return new FeatureId(p[0], Integer.parseInt(p[1]), p[2], Integer.parseInt(p[3]));
        } catch (NumberFormatException e) {
            throw new InvalidInputException("layer and index must be integers: " + id);
        }
    }

    public boolean isNeuron() {
        return "mlp".equals(kind);
    }

    @Override
    public String toString() {
        return model + "/" + layer + "/" + kind + "/" + index;
    }
}
