package lantern.explainer.explain;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A decoder label's output clause is read as what the unit promotes, never as its input rule or class examples. */
class OutputClauseTest {
    @Test
    void theClauseNamesThePromotedTokensAndTheParsersReadOnlyTheInputSide() {
        String label = OutputClause.join("modal verbs (Brown tag MD), such as 'should', 'must'", List.of(" to", " \""));
        assertThat(label).isEqualTo("modal verbs (Brown tag MD), such as 'should', 'must'; promotes ' to', ' \"'");
        assertThat(OutputClause.inputSide(label)).isEqualTo("modal verbs (Brown tag MD), such as 'should', 'must'");
        assertThat(ClassLabelCheck.examples(OutputClause.inputSide(label))).containsExactly("should", "must");
        assertThat(HypothesisParser.parse(label)).contains(Rule.tag("MD"));
        assertThat(HypothesisParser.parse("the token 'mor'; promotes 'ur', 'our'")).contains(Rule.tokens(Set.of("mor")));
        assertThat(OutputClause.inputSide("the token 'mor'")).isEqualTo("the token 'mor'");
        // without the cut, the promoted tokens would be read as examples (the bug this guards against)
        assertThat(ClassLabelCheck.examples(label)).contains("must'; promotes ' to");
    }
}
