package lantern.explainer.simulate;

import lantern.explainer.llm.LlmUsage;

/**
 * A simulator's predicted activations for one window (0..10 scale, possibly fractional for expected values),
 * or the reason there are none. A failed simulation is never replaced by zeros.
 */
public record Simulation(double[] predicted, String error, LlmUsage usage) {
    public static Simulation of(double[] predicted, LlmUsage usage) {
        return new Simulation(predicted, null, usage);
    }

    public static Simulation failed(String error, LlmUsage usage) {
        return new Simulation(null, error, usage);
    }

    public boolean isOk() {
        return predicted != null;
    }
}
