package lantern.eval.score;

import lantern.api.ActivationRecord;
import lantern.explainer.explain.Explanation;
import lantern.llm.LlmUsage;

import java.util.List;

/** The statistical explanation's rule predicts a window fires when it fires on any of its tokens. */
public final class StatisticalDetector implements Detector {
    @Override
    public String name() {
        return "statistical";
    }

    @Override
    public Answers detect(Explanation explanation, List<ActivationRecord> windows) {
        if (explanation.rule() == null) throw new IllegalArgumentException("the statistical detector needs an explanation with a rule");
        return new Answers(windows.stream().map(w -> explanation.rule().firesAnywhere(w)).toList(), LlmUsage.NONE);
    }
}
