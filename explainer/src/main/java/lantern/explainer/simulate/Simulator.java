package lantern.explainer.simulate;

import lantern.api.ActivationRecord;
import lantern.explainer.explain.Explanation;

/** Predicts, from an explanation alone, a feature's activation at each token of a window. Thread-safe. */
public interface Simulator {
    /** "statistical", "llm-json:{model}", "llm-logprob:{model}" — named in every score. */
    String name();

    Simulation simulate(Explanation explanation, ActivationRecord window);
}
