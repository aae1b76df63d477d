package lantern.eval.score;

import lantern.api.ActivationRecord;
import lantern.explainer.explain.Explanation;
import lantern.explainer.explain.RecordSplit;
import lantern.llm.LlmUsage;

import java.util.ArrayList;
import java.util.List;

/** Runs a detector over the scoring windows and scores it against {@link WindowLabels}. */
public final class DetectionScorer {
    public record Result(DetectionScore score, LlmUsage usage) {
    }

    public Result score(Explanation explanation, RecordSplit split, Detector detector) {
        List<ActivationRecord> windows = split.scoring();
        boolean[] labels = WindowLabels.of(windows, split.maxActivation());
        Detector.Answers answers = detector.detect(explanation, windows);
        List<Boolean> truth = new ArrayList<>(), predicted = new ArrayList<>();
        int failed = 0, pos = 0, neg = 0;
        for (int i = 0; i < windows.size(); i++) {
            Boolean a = answers.fires().get(i);
            if (a == null) {
                failed++;
                continue;
            }
            truth.add(labels[i]);
            predicted.add(a);
            if (labels[i]) pos++; else neg++;
        }
        boolean[] t = new boolean[truth.size()], p = new boolean[truth.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = truth.get(i);
            p[i] = predicted.get(i);
        }
        double ba = BalancedAccuracy.of(t, p);
        return new Result(new DetectionScore(ba, detector.name(), pos, neg, failed, answers.failures(),
                Bootstrap.balancedAccuracy(ba, t, p)), answers.usage());
    }
}
