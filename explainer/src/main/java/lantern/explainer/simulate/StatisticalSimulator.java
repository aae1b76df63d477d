package lantern.explainer.simulate;

import lantern.api.ActivationRecord;
import lantern.explainer.explain.Explanation;
import lantern.llm.LlmUsage;

/** Applies a statistical explanation's rule: 10 where it fires, 0 elsewhere (a graded rule: 10 times its level). */
public final class StatisticalSimulator implements Simulator {
    public static final String NAME = "statistical";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Simulation simulate(Explanation explanation, ActivationRecord window) {
        if (explanation.rule() == null) {
            throw new IllegalArgumentException("the statistical simulator needs an explanation with a rule (from the statistical explainer); "
                    + "use an llm simulator for '" + explanation.explainer() + "' explanations");
        }
        double[] p = explanation.rule().levels(window);
        for (int i = 0; i < p.length; i++) p[i] *= 10;
        return Simulation.of(p, LlmUsage.NONE);
    }
}
