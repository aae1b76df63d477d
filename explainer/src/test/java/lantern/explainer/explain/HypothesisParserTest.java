package lantern.explainer.explain;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class HypothesisParserTest {
    @Test
    void readsTheShapesTheStatisticalSimulatorUnderstands() {
        assertThat(HypothesisParser.parse("plural nouns")).contains(Rule.tag("NNS"));
        assertThat(HypothesisParser.parse("comparative adjectives like 'bigger'")).contains(Rule.tag("JJR"));
        assertThat(HypothesisParser.parse("commas (Brown tag ','), such as ','")).contains(Rule.tag(","));
        assertThat(HypothesisParser.parse("words tagged NNS (Brown tag NNS)")).contains(Rule.tag("NNS"));
        assertThat(HypothesisParser.parse("the tokens 'said', 'told'")).contains(Rule.tokens(Set.of("said", "told")));
        assertThat(HypothesisParser.parse("tokens right after 'of' or 'in'")).contains(Rule.precededBy(Set.of("of", "in")));
        assertThat(HypothesisParser.parse("singular nouns (Brown tag NN) right after 'the', such as 'jury'"))
                .contains(Rule.tag("NN").and(Rule.precededBy(Set.of("the"))));
        // what our own explainer writes reads back as the rule it was written from
        assertThat(HypothesisParser.parse("articles (Brown tag AT), such as 'the', 'a'")).contains(Rule.tag("AT"));
    }

    @Test
    void freeTextWithoutAShapeHasNoRule() {
        assertThat(HypothesisParser.parse("something about moods and weather")).isEmpty();
        assertThat(HypothesisParser.parse(" ")).isEmpty();
        // "particles" is not "articles"
        assertThat(HypothesisParser.parse("particles")).contains(Rule.tag("RP"));
    }
}
