package lantern.eval.score;

import lantern.api.score.Interval;
import lantern.api.ActivationRecord;
import lantern.explainer.explain.DiscreteActivations;
import lantern.explainer.explain.Explanation;
import lantern.explainer.explain.RecordSplit;
import lantern.llm.LlmUsage;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds fuzzing examples from the held-out top windows where the feature fires: each gives one example with its
 * firing tokens highlighted (correct) and one with as many other tokens of the same window highlighted at random
 * (seeded; incorrect). A judge says from the explanation which are correct; the score is the balanced accuracy.
 */
public final class FuzzingScorer {
    /** One window with highlighted tokens; {@code correct} when they are the tokens the feature fires on. */
    public record Example(ActivationRecord window, boolean[] marked, boolean correct) {
    }

    /** Judges examples from the explanation alone. */
    public interface Judge {
        String name();

        /** One answer per example ("the highlights are right"); null where none could be had. */
        Answers judge(Explanation explanation, List<Example> examples);

        record Answers(List<Boolean> correct, LlmUsage usage) {
        }
    }

    public record Result(FuzzingScore score, LlmUsage usage) {
    }

    public static List<Example> examples(RecordSplit split) {
        List<Example> out = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(Bootstrap.SEED);
        for (ActivationRecord w : split.heldOutTop()) {
            if (!WindowLabels.fires(w, split.maxActivation())) continue;
            boolean[] truth = new boolean[w.size()];
            List<Integer> others = new ArrayList<>();
            int marked = 0;
            for (int i = 0; i < w.size(); i++) {
                truth[i] = DiscreteActivations.scale(w.activations()[i], split.maxActivation()) >= 1;
                if (truth[i]) marked++; else others.add(i);
            }
            if (others.size() < marked) continue; // nothing to fuzz with
            boolean[] fuzzed = new boolean[w.size()];
            for (int k = 0; k < marked; k++) fuzzed[others.remove(random.nextInt(others.size()))] = true;
            out.add(new Example(w, truth, true));
            out.add(new Example(w, fuzzed, false));
        }
        return out;
    }

    public Result score(Explanation explanation, RecordSplit split, Judge judge) {
        List<Example> examples = examples(split);
        if (examples.isEmpty()) {
            return new Result(new FuzzingScore(Double.NaN, judge.name(), 0, 0, Interval.none(Double.NaN, 0),
                    "no held-out top window fires with tokens left to fuzz"), LlmUsage.NONE);
        }
        Judge.Answers answers = judge.judge(explanation, examples);
        List<Boolean> t = new ArrayList<>(), p = new ArrayList<>();
        int failed = 0;
        for (int i = 0; i < examples.size(); i++) {
            Boolean a = answers.correct().get(i);
            if (a == null) {
                failed++;
                continue;
            }
            t.add(examples.get(i).correct());
            p.add(a);
        }
        boolean[] truth = new boolean[t.size()], predicted = new boolean[t.size()];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = t.get(i);
            predicted[i] = p.get(i);
        }
        double ba = BalancedAccuracy.of(truth, predicted);
        String reason = null;
        if (Double.isNaN(ba)) {
            reason = failed == examples.size()
                    ? "the judge answered none of " + examples.size() + " examples" + (judge instanceof Statistical ? " (" + Statistical.CANNOT_TELL + ")" : "")
                    : "the judge answered " + truth.length + " of " + examples.size() + " examples, not both kinds";
        }
        return new Result(new FuzzingScore(ba, judge.name(), examples.size(), failed, Bootstrap.balancedAccuracy(ba, truth, predicted), reason),
                answers.usage());
    }

    /**
     * The statistical rule judges: the highlights are right when the rule predicts more on the highlighted tokens
     * than on the others of the window (its mean level, so a graded rule counts its weaker tokens less), wrong when
     * it predicts less. Where it predicts the same on both (it fires on none of the window's tokens, or on all) the
     * rule cannot tell and the judge gives no answer: a rule that says nothing about a window is not scored on it.
     */
    public static final class Statistical implements Judge {
        static final String CANNOT_TELL = "the rule predicts the same on the highlighted tokens as on the others";

        @Override
        public String name() {
            return "statistical";
        }

        @Override
        public Answers judge(Explanation explanation, List<Example> examples) {
            if (explanation.rule() == null) throw new IllegalArgumentException("the statistical fuzzing judge needs an explanation with a rule");
            List<Boolean> out = new ArrayList<>();
            for (Example e : examples) {
                double[] level = explanation.rule().levels(e.window());
                double in = 0, outside = 0;
                int nIn = 0, nOut = 0;
                for (int i = 0; i < level.length; i++) {
                    if (e.marked()[i]) {
                        in += level[i];
                        nIn++;
                    } else {
                        outside += level[i];
                        nOut++;
                    }
                }
                double a = nIn == 0 ? 0 : in / nIn, b = nOut == 0 ? 0 : outside / nOut;
                out.add(nIn == 0 || a == b ? null : a > b);
            }
            return new Answers(out, LlmUsage.NONE);
        }
    }
}
