package lantern.subject;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/** The usual replacements, as plain hook functions: interventions are just hooks. */
public final class Interventions {
    private Interventions() {
    }

    /** Sets one unit (neuron or residual dimension) to zero at every token. */
    public static HookFunction zeroAblate(int unit) {
        return x -> {
            NDArray y = x.duplicate();
            y.set(new NDIndex("..., {}", unit), 0f);
            return y;
        };
    }

    /** Sets one unit to a fixed value at every token (mean ablation when the value is the unit's mean). */
    public static HookFunction setUnit(int unit, float value) {
        return x -> {
            NDArray y = x.duplicate();
            y.set(new NDIndex("..., {}", unit), value);
            return y;
        };
    }

    /** Adds {@code scale * direction} at every token (steering). */
    public static HookFunction addDirection(float[] direction, float scale) {
        return x -> x.add(x.getManager().create(direction).mul(scale));
    }

    /** Projects a direction out of the activation: x - (x·d̂) d̂. */
    public static HookFunction ablateDirection(float[] direction) {
        return x -> {
            NDArray d = x.getManager().create(direction);
            d = d.div(d.norm());
            NDArray coef = x.matMul(d.reshape(-1, 1));
            return x.sub(coef.mul(d.reshape(1, -1)));
        };
    }
}
