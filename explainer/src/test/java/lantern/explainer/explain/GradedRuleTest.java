package lantern.explainer.explain;

import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.api.ActivationRecord;
import lantern.api.FeatureRecords;
import lantern.explainer.simulate.StatisticalSimulator;
import lantern.collect.testing.Records;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Graded class rules: "singular nouns, strongest on 'state', 'city' (other singular nouns at about 30%)". */
class GradedRuleTest {
    private static final List<String> FILES = List.of("ca01", "ca02", "ca03");
    private static final Set<String> PLACES = Set.of("state", "city", "county", "country", "district", "nation");

    private final ActivationRecord record = new ActivationRecord(List.of("the", "state", "and", "house", "ran"),
            new float[] {0, 5, 0, 1, 0}, List.of("AT", "NN", "CC", "NN", "VBD"), null);

    @Test
    void aGradedRulePredictsFullStrengthOnTheListAndItsLevelOnTheRestOfTheClass() {
        Rule r = Rule.tag("NN").and(Rule.tokens(Set.of("state"))).graded(0.3);
        assertThat(r.levels(record)).containsExactly(0, 1, 0, 0.3, 0);
        // the statistical simulator applies it on its 0..10 scale
        Explanation e = new Explanation("x", "statistical", r, Double.NaN, null);
        assertThat(new StatisticalSimulator().simulate(e, record).predicted()).containsExactly(0, 10, 0, 3, 0);
        // where it fires (detection, fuzzing, intruder): at least half strength
        assertThat(r.fires(record)).containsExactly(false, true, false, false, false);
        assertThat(Rule.tag("NN").and(Rule.tokens(Set.of("state"))).graded(0.6).fires(record)).containsExactly(false, true, false, true, false);
        // a plain conjunction predicts nothing where only its first condition holds
        assertThat(Rule.tag("NN").and(Rule.tokens(Set.of("state"))).levels(record)).containsExactly(0, 1, 0, 0, 0);
        assertThat(r.namesTag("NN")).isTrue();
    }

    @Test
    void levelsAreTenthsBetweenOneAndNineAndNeedAConjunction() {
        assertThat(Rule.tag("NN").and(Rule.tokens(Set.of("a"))).graded(0.34).level()).isEqualTo(0.3);
        assertThatThrownBy(() -> Rule.tag("NN").graded(0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rule.tag("NN").and(Rule.tokens(Set.of("a"))).graded(0.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rule.tag("NN").and(Rule.tokens(Set.of("a"))).graded(1.0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aGradedRuleSurvivesJsonAndAPlainOneWritesNoLevel() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Rule r = Rule.tag("NN").and(Rule.tokens(Set.of("state", "city"))).graded(0.3);
        assertThat(json.readValue(json.writeValueAsString(r), Rule.class)).isEqualTo(r);
        assertThat(json.writeValueAsString(Rule.tag("NN"))).doesNotContain("level");
        // a rule stored before graded rules existed reads as a plain one
        assertThat(json.readValue("{\"kind\":\"TAG\",\"values\":[\"NN\"]}", Rule.class)).isEqualTo(Rule.tag("NN"));
    }

    @Test
    void aUnitStrongOnSomeNounsAndWeakerOnTheRestIsNamedAsTheClassStrongestOnThem() {
        // every singular noun fires, place nouns five times as strongly as the rest
        FeatureRecords records = Records.build(FILES, "cb02", 60, 20, 16,
                (w, i) -> !w.get(i).tag().equals("NN") ? 0f : PLACES.contains(w.get(i).token()) ? 5f : 1f);
        RecordSplit split = RecordSplitter.defaults().split(records);
        Explanation e = new StatisticalExplainer().explain(split);
        assertThat(e.rule().level()).isNotNull();
        assertThat(e.rule().namesTag("NN")).isTrue();
        assertThat(e.rule().and().values()).contains("state");
        assertThat(e.text()).startsWith("singular nouns (Brown tag NN), strongest on '").contains("(other singular nouns at about ");
        // what it writes reads back as the rule it was written from
        assertThat(HypothesisParser.parse(e.text())).contains(e.rule());
        // the plain cross-validated search has no such hypothesis
        assertThat(new StatisticalExplainer(StatisticalExplainer.Search.CROSS_VALIDATED).explain(split).rule().level()).isNull();
    }

    @Test
    void aUnitOnlyOnSomeNounsKeepsItsTokenList() {
        // the other nouns stay silent: naming the class would add nothing true
        FeatureRecords records = Records.build(FILES, "cb02", 60, 20, 16,
                (w, i) -> w.get(i).tag().equals("NN") && PLACES.contains(w.get(i).token()) ? 5f : 0f);
        Explanation e = new StatisticalExplainer().explain(RecordSplitter.defaults().split(records));
        assertThat(e.rule().level()).isNull();
        assertThat(e.rule().namesTag("NN")).isFalse();
    }

    @Test
    void freeTextNamingAClassStrongestOnSomeTokensIsAGradedRule() {
        assertThat(HypothesisParser.parse("singular nouns, mostly 'state' and 'city'"))
                .contains(Rule.tag("NN").and(Rule.tokens(Set.of("state", "city"))).graded(0.5));
        assertThat(HypothesisParser.parse("singular nouns (Brown tag NN), strongest on 'state', 'city' (other singular nouns at about 20%)"))
                .contains(Rule.tag("NN").and(Rule.tokens(Set.of("state", "city"))).graded(0.2));
        // examples after "such as" are no part of the hypothesis
        assertThat(HypothesisParser.parse("commas (Brown tag ','), such as ','")).contains(Rule.tag(","));
    }
}
