package lantern.eval.score;

import lantern.api.FeatureRecords;
import lantern.explainer.explain.Explanation;
import lantern.explainer.explain.RecordSplit;
import lantern.explainer.explain.RecordSplitter;
import lantern.explainer.explain.Rule;
import lantern.collect.testing.Records;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fuzzing and intruder scores can fail: the right token rule scores near 1, a rule for another token and a
 * random label near chance (with a real interval), and a rule that says nothing about the windows gets no number,
 * with the reason.
 */
class ScorersCanFailTest {
    private static final List<String> FILES = java.util.stream.IntStream.rangeClosed(1, 24)
            .mapToObj(i -> String.format("ca%02d", i)).toList();
    /**
     * A unit on 'been' over a busy background: about a third of the other tokens of its windows fire at 15% of its maximum, so the highlighted
     * tokens of a firing window are 'been' and many weak ones (the case the old judge scored 0.5 [0.5, 0.5]).
     */
    private static final FeatureRecords BEEN = Records.build(FILES, "cb02", 40, 20, 16,
            (w, i) -> w.get(i).token().equalsIgnoreCase("been") ? 6f
                    : Math.floorMod((w.get(i).token() + i).hashCode(), 3) == 0 && w.stream().anyMatch(x -> x.token().equalsIgnoreCase("been")) ? 0.9f : 0f);
    private static final RecordSplit SPLIT = RecordSplitter.defaults().split(BEEN);

    private static Explanation rule(Rule r) {
        return new Explanation("x", "statistical", r, 1, null);
    }

    private static FuzzingScore fuzz(Rule r) {
        return new FuzzingScorer().score(rule(r), SPLIT, new FuzzingScorer.Statistical()).score();
    }

    private static IntruderScore intruder(Rule r) {
        return new IntruderScorer().score(rule(r), SPLIT, new IntruderScorer.Statistical()).score();
    }

    @Test
    void theRightTokenRuleScoresNearOne() {
        assertThat(SPLIT.heldOutTop()).hasSizeGreaterThanOrEqualTo(10);
        FuzzingScore right = fuzz(Rule.tokens(Set.of("been")));
        assertThat(right.reason()).isNull();
        assertThat(right.balancedAccuracy()).isGreaterThan(0.9);
        assertThat(fuzz(Rule.tag("BEN")).balancedAccuracy()).isGreaterThan(0.9);
        assertThat(intruder(Rule.tokens(Set.of("been"))).accuracy()).isGreaterThan(0.8);
    }

    @Test
    void aRuleForAnotherTokenScoresNearChanceWithARealInterval() {
        FuzzingScore other = fuzz(Rule.tokens(Set.of("the", "of", "and", "to", "a", "in")));
        assertThat(other.reason()).isNull();
        assertThat(other.balancedAccuracy()).isBetween(0.25, 0.75);
        assertThat(other.ci95().hasBounds()).isTrue();
        assertThat(other.ci95().width()).isPositive();
        assertThat(other.ci95().lo()).isLessThan(0.9);
    }

    @Test
    void aRandomLabelScoresNearChance() {
        // a class picked with a seeded random draw among the classes of the windows, other than the unit's own
        List<String> classes = List.of("NN", "IN", "AT", "JJ", "NP", "VBD", "CC", "NNS");
        String picked = classes.get(new java.util.SplittableRandom(7).nextInt(classes.size()));
        FuzzingScore f = fuzz(Rule.tag(picked));
        assertThat(f.balancedAccuracy()).as(picked).isBetween(0.25, 0.75);
        IntruderScore in = intruder(Rule.tag(picked));
        assertThat(in.accuracy()).as(picked).isLessThan(0.7);
        assertThat(in.ci95().hasBounds()).isTrue();
    }

    @Test
    void aRuleThatSaysNothingAboutTheWindowsGetsNoNumberAndTheReason() {
        FuzzingScore none = fuzz(Rule.tokens(Set.of("zyzzyva")));
        assertThat(none.balancedAccuracy()).isNaN();
        assertThat(none.ci95().hasBounds()).isFalse();
        assertThat(none.reason()).contains("the rule predicts the same on the highlighted tokens as on the others");
        IntruderScore in = intruder(Rule.tokens(Set.of("zyzzyva")));
        assertThat(in.accuracy()).isNaN();
        assertThat(in.reason()).contains("the rule predicts the same in every window");
    }
}
