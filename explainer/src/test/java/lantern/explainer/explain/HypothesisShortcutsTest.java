package lantern.explainer.explain;

import lantern.api.ActivationRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hypothesis search's shortcuts choose what the plain search chooses: "tag and next tag" against {@link
 * HypothesisSearch#best} over the same candidates in the same order (each pair's rule applied window by window), and
 * the tag ranking kept for a fold against a ranking of a fresh copy of the windows.
 */
class HypothesisShortcutsTest {
    static final List<String> TAGS = List.of("NN", "NNS", "VB", "JJ", "AT", "IN", "PUNCT", "nn-tl");
    static final List<String> WORDS = List.of("the", "city", "##s", "of", "Paris", ",", "ran", "big", "##er", "a");

    static List<ActivationRecord> windows(Random rnd, int n) {
        List<ActivationRecord> out = new ArrayList<>();
        for (int w = 0; w < n; w++) {
            int len = 3 + rnd.nextInt(12);
            List<String> tokens = new ArrayList<>(), tags = new ArrayList<>();
            float[] acts = new float[len];
            for (int i = 0; i < len; i++) {
                tokens.add(WORDS.get(rnd.nextInt(WORDS.size())));
                tags.add(TAGS.get(rnd.nextInt(TAGS.size())));
                // activations that follow a tag pair now and then, with noise and ties at zero
                acts[i] = rnd.nextInt(4) == 0 ? 0 : (float) (rnd.nextGaussian() + (tags.get(i).equals("NN") ? 1 : 0));
            }
            for (int i = 0; i + 1 < len; i++) if (tags.get(i).equals("JJ") && tags.get(i + 1).equals("NN")) acts[i] += 2;
            out.add(new ActivationRecord(tokens, acts, tags, null));
        }
        return out;
    }

    @Test
    void tagAndNextTagChoosesWhatTheRuleByRuleSearchChooses() {
        Random rnd = new Random(11);
        int compared = 0;
        for (int trial = 0; trial < 60; trial++) {
            List<ActivationRecord> records = windows(rnd, 2 + rnd.nextInt(30));
            List<Rule> candidates = new ArrayList<>();
            for (Rule tag : HypothesisSearch.topTags(records, 4)) {
                for (String next : HypothesisSearch.tags(records)) {
                    candidates.add(tag.and(new Rule(Rule.Kind.FOLLOWED_BY_TAG, List.of(next))));
                }
            }
            Rule plain = HypothesisSearch.best(candidates, records);
            assertThat(HypothesisSearch.bestTagAndNextTag(records)).as("trial " + trial).isEqualTo(plain);
            if (plain != null) compared++;
        }
        assertThat(compared).as("trials that chose a rule").isGreaterThan(40);
    }

    @Test
    void aKeptTagRankingIsTheRankingOfTheSameWindows() {
        Random rnd = new Random(5);
        for (int trial = 0; trial < 20; trial++) {
            List<ActivationRecord> records = windows(rnd, 5 + rnd.nextInt(20));
            List<Rule> first = HypothesisSearch.topTags(new ArrayList<>(records), 4);
            List<Rule> kept = HypothesisSearch.topTags(new ArrayList<>(records), 4); // a copy of the list: the kept ranking
            List<ActivationRecord> copies = new ArrayList<>();
            for (ActivationRecord r : records) copies.add(new ActivationRecord(r.tokens(), r.activations().clone(), r.tags(), null));
            List<Rule> fresh = HypothesisSearch.topTags(copies, 4); // other objects: ranked again
            assertThat(kept).isEqualTo(first).isEqualTo(fresh);
            assertThat(HypothesisSearch.topTags(records, 2)).isEqualTo(first.subList(0, Math.min(2, first.size())));
        }
    }
}
