package lantern.eval.score;

import lantern.explainer.ActivationRecord;
import lantern.explainer.explain.Explanation;
import lantern.explainer.llm.LlmUsage;

import java.util.List;

/** Says, from an explanation alone, whether a feature fires in each window. */
public interface Detector {
    String name();

    /** One answer per window; null where no answer could be had (a failed call). */
    Answers detect(Explanation explanation, List<ActivationRecord> windows);

    record Answers(List<Boolean> fires, LlmUsage usage) {
    }
}
