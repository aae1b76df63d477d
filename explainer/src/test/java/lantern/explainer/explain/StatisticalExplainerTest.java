package lantern.explainer.explain;

import lantern.api.FeatureRecords;
import lantern.explainer.simulate.StatisticalSimulator;
import lantern.collect.testing.Records;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StatisticalExplainerTest {
    private final StatisticalExplainer explainer = new StatisticalExplainer();

    /** Correlation of the statistical simulation with the truth over the scoring windows. */
    private static double simulationScore(Explanation e, RecordSplit split) {
        List<Double> t = new ArrayList<>(), p = new ArrayList<>();
        StatisticalSimulator sim = new StatisticalSimulator();
        for (var r : split.scoring()) {
            double[] pred = sim.simulate(e, r).predicted();
            for (int i = 0; i < r.size(); i++) {
                t.add((double) r.activations()[i]);
                p.add(pred[i]);
            }
        }
        return Correlation.pearson(t.stream().mapToDouble(x -> x).toArray(), p.stream().mapToDouble(x -> x).toArray());
    }

    @Test
    void featureFiringOnPluralNounsIsExplainedAsNns() {
        // a feature that fires exactly on plural nouns (Brown NNS), with strength varying by word length
        FeatureRecords records = Records.build("ca01", "cb02", 40, 20,
                (w, i) -> w.get(i).tag().equals("NNS") ? 2f + w.get(i).token().length() % 3 : 0f);
        RecordSplit split = RecordSplitter.defaults().split(records);
        Explanation e = explainer.explain(split);

        assertThat(e.rule()).isEqualTo(Rule.tag("NNS"));
        assertThat(e.text()).startsWith("plural nouns (Brown tag NNS), such as '");
        assertThat(e.explainer()).isEqualTo("statistical");
        double score = simulationScore(e, split);
        assertThat(score).isGreaterThan(0.85);
        assertThat(split.random()).isNotEmpty();
    }

    @Test
    void featureFiringOnFewTokensIsExplainedByThoseTokens() {
        FeatureRecords records = Records.build("ca02", "cb03", 40, 20,
                (w, i) -> switch (w.get(i).token()) {
                    case "said" -> 5f;
                    case "would", "new" -> 3f;
                    default -> 0f;
                });
        RecordSplit split = RecordSplitter.defaults().split(records);
        Explanation e = explainer.explain(split);
        assertThat(e.rule().kind()).isEqualTo(Rule.Kind.TOKEN);
        assertThat(e.rule().values()).contains("said", "would");
        assertThat(e.text()).startsWith("the tokens 'said'");
        assertThat(simulationScore(e, split)).isGreaterThan(0.8);
    }

    @Test
    void featureFiringOnArticlesIsExplainedByTheTagNotAWordList() {
        // 'the', 'a', 'an' are exactly Brown's AT family: the simpler hypothesis should win
        FeatureRecords records = Records.build("ca02", "cb03", 40, 20,
                (w, i) -> switch (w.get(i).token()) {
                    case "the" -> 5f;
                    case "a", "an" -> 3f;
                    default -> 0f;
                });
        Explanation e = explainer.explain(RecordSplitter.defaults().split(records));
        assertThat(e.rule()).isEqualTo(Rule.tag("AT"));
        assertThat(e.text()).startsWith("articles (Brown tag AT), such as 'the'");
    }

    @Test
    void featureFiringAfterOfIsExplainedByThePrecedingToken() {
        FeatureRecords records = Records.build("ca03", "cb04", 40, 20,
                (w, i) -> i > 0 && w.get(i - 1).token().equals("of") ? 4f : 0f);
        RecordSplit split = RecordSplitter.defaults().split(records);
        Explanation e = explainer.explain(split);
        assertThat(e.rule()).isEqualTo(Rule.precededBy(java.util.Set.of("of")));
        assertThat(e.text()).startsWith("tokens right after 'of'");
        assertThat(simulationScore(e, split)).isGreaterThan(0.99);
    }

    @Test
    void continuationPiecesAreFoundFromWordPieceMarks() {
        var r1 = new lantern.api.ActivationRecord(List.of("play", "##ing", "the", "walk", "##ed", "home"), new float[]{0, 3, 0, 0, 4, 0});
        var r2 = new lantern.api.ActivationRecord(List.of("un", "##like", "##ly", "cats", "run", "##s"), new float[]{0, 2, 3, 0, 0, 5});
        RecordSplit split = new RecordSplitter(10, 0, 0).split(List.of(r1, r2), List.of());
        Explanation e = explainer.explain(split);
        assertThat(e.rule().kind()).isEqualTo(Rule.Kind.CONTINUATION);
        assertThat(e.text()).startsWith("word pieces that continue a word").contains("'##s'");
    }

    @Test
    void anAdjectiveFeatureIsExplainedByTheClassNotAListOfAdjectives() {
        // every adjective fires, with a strength that depends on the word: no short token list covers unseen ones
        FeatureRecords records = Records.build("ca01", "cb02", 40, 20,
                (w, i) -> w.get(i).tag().equals("JJ") ? 1f + Math.floorMod(w.get(i).token().hashCode(), 4) : 0f);
        RecordSplit split = RecordSplitter.defaults().split(records);
        Explanation e = explainer.explain(split);
        assertThat(e.rule()).isEqualTo(Rule.tag("JJ"));
        assertThat(e.text()).startsWith("adjectives (Brown tag JJ), such as '");
        assertThat(simulationScore(e, split)).isGreaterThan(0.5);
    }

    @Test
    void aCommaFeatureIsNamedByBrownsFinePunctuationTag() {
        FeatureRecords records = Records.build("ca01", "cb02", 40, 20, (w, i) -> w.get(i).token().equals(",") ? 3f : 0f);
        RecordSplit split = RecordSplitter.defaults().split(records);
        Explanation e = explainer.explain(split);
        assertThat(e.rule().namesTag(",")).isTrue();
        assertThat(e.text()).startsWith("commas (Brown tag ','), such as ','");
        assertThat(simulationScore(e, split)).isGreaterThan(0.95);
        // the legacy search saw one PUNCT family: its rule fires on every mark, so it simulates commas worse
        Explanation old = new StatisticalExplainer(StatisticalExplainer.Search.LEGACY).explain(split);
        assertThat(old.rule()).isNotEqualTo(e.rule());
    }

    @Test
    void collectionsWithOnePunctFamilyStillGetFineTagsFromTheToken() {
        var r = new lantern.api.ActivationRecord(List.of("well", ",", "yes", "."), new float[]{0, 4, 0, 0},
                List.of("UH", "PUNCT", "UH", "PUNCT"), null);
        assertThat(Rule.tag(",").fires(r)).containsExactly(false, true, false, false);
        assertThat(Rule.tag("PUNCT").fires(r)).containsExactly(false, true, false, true);
    }

    @Test
    void aConjunctionOfTagAndPrecedingTokenIsFoundWhenNeitherAloneFits() {
        // singular nouns right after 'the' (not after 'a', and not other words after 'the')
        FeatureRecords records = Records.build("ca01", "cb02", 40, 20,
                (w, i) -> i > 0 && w.get(i).tag().equals("NN") && w.get(i - 1).token().equals("the") ? 4f : 0f);
        RecordSplit split = RecordSplitter.defaults().split(records);
        Explanation e = explainer.explain(split);
        assertThat(e.rule()).isEqualTo(Rule.tag("NN").and(Rule.precededBy(java.util.Set.of("the"))));
        assertThat(e.text()).startsWith("singular nouns (Brown tag NN) right after 'the', such as '");
        assertThat(simulationScore(e, split)).isGreaterThan(0.95);
    }

    @Test
    void wordPiecesAreNamedAsSuch() {
        List<lantern.api.ActivationRecord> top = new ArrayList<>();
        String[][] words = {{"cat", "##s"}, {"dog", "##s"}, {"tree", "##s"}, {"house", "##s"}, {"bird", "##s"}, {"car", "##s"}};
        for (int w = 0; w < 12; w++) {
            String[] a = words[w % words.length], b = words[(w + 1) % words.length];
            top.add(new lantern.api.ActivationRecord(List.of("the", a[0], a[1], "and", b[0], b[1], "run", "##s"),
                    new float[]{0, 0, 5 - w * 0.1f, 0, 0, 4, 0, 0}, List.of("AT", "NNS", "NNS", "CC", "NNS", "NNS", "VBZ", "VBZ"),
                    new boolean[]{true, true, false, true, true, false, true, false}));
        }
        Explanation e = explainer.explain(new RecordSplitter(12, 0, 0).split(top, List.of()));
        assertThat(e.text()).contains("'##s'").containsAnyOf("plural suffix", "last word piece of plural nouns", "word pieces after the first in plural nouns");
    }

    @Test
    void tokensAreQuotedWithoutTheirLeadingSpaceMarkers() {
        assertThat(RulePhrases.quoteList(List.of("green", " yellow", "\u0120red", " "))).isEqualTo("'green', 'yellow', 'red', ' '");
    }

    @Test
    void rulesOfTheOldShapeStillReadAndConjunctionsRoundTrip() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        Rule old = json.readValue("{\"kind\":\"TAG\",\"values\":[\"nns\"]}", Rule.class);
        assertThat(old).isEqualTo(Rule.tag("NNS"));
        assertThat(json.writeValueAsString(old)).doesNotContain("and");
        Rule both = Rule.tag("NN").and(Rule.of(Rule.Kind.WORD_END));
        assertThat(json.readValue(json.writeValueAsString(both), Rule.class)).isEqualTo(both);
    }
}
