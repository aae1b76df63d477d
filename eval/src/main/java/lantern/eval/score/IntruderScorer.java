package lantern.eval.score;

import lantern.api.score.Interval;
import lantern.api.ActivationRecord;
import lantern.explainer.explain.Explanation;
import lantern.explainer.explain.RecordSplit;
import lantern.llm.LlmUsage;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Intruder groups: {@code groupSize - 1} held-out top windows where the feature fires and one random window where
 * it does not, at a seeded position. A judge picks the window that does not belong from the explanation; the score
 * is the fraction picked right (chance 1 / groupSize).
 */
public final class IntruderScorer {
    public static final int GROUP_SIZE = 4;
    public static final int MAX_GROUPS = 10;

    public record Group(List<ActivationRecord> windows, int intruder) {
    }

    public interface Judge {
        String name();

        /** The index of the intruder in each group; null where no answer could be had. */
        Answers judge(Explanation explanation, List<Group> groups);

        record Answers(List<Integer> picks, LlmUsage usage) {
        }
    }

    public record Result(IntruderScore score, LlmUsage usage) {
    }

    public static List<Group> groups(RecordSplit split) {
        List<ActivationRecord> firing = split.heldOutTop().stream().filter(w -> WindowLabels.fires(w, split.maxActivation())).toList();
        List<ActivationRecord> quiet = split.random().stream().filter(w -> !WindowLabels.fires(w, split.maxActivation())).toList();
        List<Group> out = new ArrayList<>();
        if (firing.size() < GROUP_SIZE - 1 || quiet.isEmpty()) return out;
        SplittableRandom random = new SplittableRandom(Bootstrap.SEED);
        int groups = Math.min(MAX_GROUPS, quiet.size());
        for (int g = 0; g < groups; g++) {
            List<ActivationRecord> ws = new ArrayList<>();
            for (int k = 0; k < GROUP_SIZE - 1; k++) ws.add(firing.get((g * (GROUP_SIZE - 1) + k) % firing.size()));
            int at = random.nextInt(GROUP_SIZE);
            ws.add(at, quiet.get(g));
            out.add(new Group(List.copyOf(ws), at));
        }
        return out;
    }

    public Result score(Explanation explanation, RecordSplit split, Judge judge) {
        List<Group> groups = groups(split);
        if (groups.isEmpty()) {
            return new Result(new IntruderScore(Double.NaN, judge.name(), 0, GROUP_SIZE, 0, Interval.none(Double.NaN, 0),
                    "fewer than " + (GROUP_SIZE - 1) + " firing held-out windows or no quiet random window to build a group"), LlmUsage.NONE);
        }
        Judge.Answers answers = judge.judge(explanation, groups);
        List<Boolean> right = new ArrayList<>();
        int failed = 0;
        for (int i = 0; i < groups.size(); i++) {
            Integer pick = answers.picks().get(i);
            if (pick == null) failed++; else right.add(pick == groups.get(i).intruder());
        }
        double acc = right.isEmpty() ? Double.NaN : right.stream().filter(b -> b).count() / (double) right.size();
        Interval ci = Bootstrap.of(acc, right.size(), sample -> {
            int ok = 0;
            for (int s : sample) if (right.get(s)) ok++;
            return ok / (double) sample.length;
        });
        String reason = right.isEmpty() ? "the judge answered none of " + groups.size() + " groups"
                + (judge instanceof Statistical ? " (" + Statistical.CANNOT_TELL + ")" : "") : null;
        return new Result(new IntruderScore(acc, judge.name(), groups.size(), GROUP_SIZE, failed, ci, reason), answers.usage());
    }

    /**
     * The statistical rule judges: the intruder is the window where the rule predicts least (its mean level over
     * the window's tokens). When several windows tie for least it guesses among them (seeded), as a reader would;
     * when all tie (the rule fires in none of them, or equally in all) it cannot tell and gives no answer.
     */
    public static final class Statistical implements Judge {
        static final String CANNOT_TELL = "the rule predicts the same in every window of a group";

        @Override
        public String name() {
            return "statistical";
        }

        @Override
        public Answers judge(Explanation explanation, List<Group> groups) {
            if (explanation.rule() == null) throw new IllegalArgumentException("the statistical intruder judge needs an explanation with a rule");
            SplittableRandom random = new SplittableRandom(Bootstrap.SEED);
            List<Integer> picks = new ArrayList<>();
            for (Group g : groups) {
                double[] mean = new double[g.windows().size()];
                double least = Double.POSITIVE_INFINITY;
                for (int i = 0; i < mean.length; i++) {
                    double[] l = explanation.rule().levels(g.windows().get(i));
                    double sum = 0;
                    for (double v : l) sum += v;
                    mean[i] = l.length == 0 ? 0 : sum / l.length;
                    least = Math.min(least, mean[i]);
                }
                List<Integer> tied = new ArrayList<>();
                for (int i = 0; i < mean.length; i++) if (mean[i] == least) tied.add(i);
                picks.add(tied.size() == mean.length ? null : tied.get(random.nextInt(tied.size())));
            }
            return new Answers(picks, LlmUsage.NONE);
        }
    }
}
