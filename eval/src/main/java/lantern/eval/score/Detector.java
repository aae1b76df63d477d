package lantern.eval.score;

import lantern.api.ActivationRecord;
import lantern.explainer.explain.Explanation;
import lantern.llm.LlmUsage;

import java.util.List;

/** Says, from an explanation alone, whether a feature fires in each window. */
public interface Detector {
    String name();

    /** One answer per window; null where no answer could be had (a failed call). */
    Answers detect(Explanation explanation, List<ActivationRecord> windows);

    /** @param failures why windows went unanswered: reason → windows */
    record Answers(List<Boolean> fires, LlmUsage usage, java.util.Map<String, Integer> failures) {
        public Answers {
            failures = failures == null ? java.util.Map.of() : failures;
        }

        public Answers(List<Boolean> fires, LlmUsage usage) {
            this(fires, usage, java.util.Map.of());
        }
    }
}
