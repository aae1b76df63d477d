package lantern.eval.audit;

import lantern.api.audit.FeatureSpace;
/** A model shape given by numbers: {@code layers} layers of {@code width} features of every kind. */
record FixedFeatureSpace(String model, int layers, int width) implements FeatureSpace {
    @Override
    public int layers(String model) {
        if (!this.model.equals(model)) throw new IllegalArgumentException("unknown model " + model);
        return layers;
    }

    @Override
    public int width(String model, int layer, String kind) {
        if (layer >= layers(model)) throw new IllegalArgumentException("no layer " + layer);
        return width;
    }
}
