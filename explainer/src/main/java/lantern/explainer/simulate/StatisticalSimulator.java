package lantern.explainer.simulate;

import lantern.explainer.ActivationRecord;
import lantern.explainer.explain.Explanation;
import lantern.explainer.llm.LlmUsage;

/** Applies a statistical explanation's rule: 10 where it fires, 0 elsewhere. */
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
        boolean[] f = explanation.rule().fires(window);
        double[] p = new double[f.length];
        for (int i = 0; i < f.length; i++) p[i] = f[i] ? 10 : 0;
        return Simulation.of(p, LlmUsage.NONE);
    }
}
