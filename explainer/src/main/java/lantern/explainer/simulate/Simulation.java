package lantern.explainer.simulate;

import lantern.llm.LlmUsage;

/**
 * A simulator's predicted activations for one window (0..10 scale, possibly fractional for expected values),
 * or the reason there are none. A failed simulation is never replaced by zeros.
 *
 * @param simulator the simulator that actually produced it when that is not the one asked (llm-logprob falling back
 *                  to llm-json); null otherwise
 */
public record Simulation(double[] predicted, String error, LlmUsage usage, String simulator) {
    public Simulation(double[] predicted, String error, LlmUsage usage) {
        this(predicted, error, usage, null);
    }

    public static Simulation of(double[] predicted, LlmUsage usage) {
        return new Simulation(predicted, null, usage);
    }

    public static Simulation failed(String error, LlmUsage usage) {
        return new Simulation(null, error, usage);
    }

    /** The same result, marked as produced by {@code simulator}, its usage increased by {@code extra}. */
    public Simulation by(String simulator, LlmUsage extra) {
        return new Simulation(predicted, error, usage.plus(extra), simulator);
    }

    public boolean isOk() {
        return predicted != null;
    }
}
