package lantern.explainer.explain;

import lantern.api.ActivationRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shortcuts rule matching takes (ASCII text already in the right case returned as it is; each window's tokens and
 * tags normalised once per thread) give what the plain definitions give.
 */
class RuleNormTest {
    @Test
    void normalisingMatchesTheJdkOnTrickyAndRandomText() {
        List<String> texts = new ArrayList<>(List.of("", "the", "The", "NN", "nn", "NNS-TL", "##ing", "'s", "İstanbul",
                "STRASSE", "straße", "ǅ", "ΣΟΦΙΑ", "café", "CAFÉ", "A", "z", "@", "~", "\u007f", "\u0080"));
        Random rnd = new Random(7);
        String alphabet = "aAzZ09#-'.,ßİıΣσéÉǅ\u007f\u0080 ";
        for (int k = 0; k < 2000; k++) {
            StringBuilder b = new StringBuilder();
            for (int i = rnd.nextInt(8); i > 0; i--) b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            texts.add(b.toString());
        }
        for (String s : texts) {
            assertThat(Rule.norm(s)).as(s).isEqualTo(s.toLowerCase(Locale.ROOT));
            assertThat(Rule.tagNorm(s)).as(s).isEqualTo(s.toUpperCase(Locale.ROOT));
        }
        assertThat(Rule.norm(null)).isEmpty();
        assertThat(Rule.tagNorm(null)).isEmpty();
    }

    @Test
    void rulesSeeEachWindowAsThePlainDefinitionsDo() {
        // mixed case tokens and tags, the coarse PUNCT family refined from the token, a window without tags
        ActivationRecord tagged = new ActivationRecord(List.of("The", "city", "'s", ",", "Mayor", "##s"),
                new float[]{0, 1, 0, 0, 2, 1}, List.of("at", "NN", "pos", "PUNCT", "nn-tl", "NN-TL"), null);
        ActivationRecord untagged = new ActivationRecord(List.of("a", "CITY"), new float[]{1, 0});
        for (int round = 0; round < 2; round++) { // the second round is answered from the per-thread cache
            assertThat(new Rule(Rule.Kind.TOKEN, List.of("CITY", "mayor")).fires(tagged))
                    .containsExactly(false, true, false, false, true, false);
            assertThat(new Rule(Rule.Kind.TOKEN, List.of("city")).fires(untagged)).containsExactly(false, true);
            assertThat(Rule.tag("nn").fires(tagged)).containsExactly(false, true, false, false, false, false);
            assertThat(Rule.tag("nn-tl").fires(tagged)).containsExactly(false, false, false, false, true, true);
            assertThat(Rule.tag(Rule.tagAt(tagged, 3)).fires(tagged)).containsExactly(false, false, false, true, false, false);
            assertThat(Rule.tag("nn").fires(untagged)).containsExactly(false, false);
            assertThat(new Rule(Rule.Kind.PRECEDED_BY, List.of("THE")).fires(tagged)).containsExactly(false, true, false, false, false, false);
            assertThat(new Rule(Rule.Kind.FOLLOWED_BY_TAG, List.of("NN-TL")).fires(tagged))
                    .containsExactly(false, false, false, true, false, false);
        }
    }
}
