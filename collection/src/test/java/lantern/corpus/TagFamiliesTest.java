package lantern.corpus;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TagFamiliesTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ' ', value = {
            "nn NN", "nns NNS", "np NP", "nps NPS", "vb VB", "vbd VBD", "vbn VBN", "vbg VBG", "vbz VBZ",
            "jj JJ", "jjr JJR", "jjs JJS", "jjt JJS", "rb RB", "in IN", "at AT", "cc CC", "cs CS", "cd CD",
            "md MD", "pps PPS", "ppss PPSS", "ppo PPO", "wdt WDT",
            // decorations
            "nn-tl NN", "jj-hl JJ", "nn-tl-hl NN", "vb-nc VB", "fw-nn NN", "fw-nn-tl NN", "fw-in+at-t IN",
            // negation, possessives, contractions
            "md* MD", "do* DO", "dod* DOD", "bedz* BEDZ", "np$ NP", "nns$-tl NNS", "nn$ NN", "pp$ PP$", "pp$$ PP$$",
            "wp$ WP$", "ppss+md PPSS", "pps+bez PPS", "ppss+bez* PPSS", "wdt+do+pps WDT", "vb+ppo VB",
            // the rest keep their base tag
            "bez BEZ", "hvd HVD", "ql QL", "dti DTI", "nr NR", "od OD", "to TO", "ex EX", "uh UH", "nil NIL",
    })
    void mapsToFamilies(String raw, String family) {
        assertThat(TagFamilies.family(raw)).isEqualTo(family);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ' ', quoteCharacter = '|', value = {". .", "; .", "? .", "! .", ", ,", ":-hl :", "-- --", "---hl --",
            "`` QUOTE", "'' QUOTE", "' '", "( (", ")-hl )", "* NOT", "*-hl NOT", "fw-* NOT"})
    void punctuationAndLoneNegation(String raw, String family) {
        assertThat(TagFamilies.family(raw)).isEqualTo(family);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ' ', quoteCharacter = '|', value = {", ,", ". .", "? .", "; .", ": :", "( (", ") )", "-- --",
            "|\"| QUOTE", "' '", "a PUNCT", "##, ,"})
    void punctuationFromTheTokenForOldCollections(String token, String family) {
        assertThat(TagFamilies.punctuationOf(token)).isEqualTo(family);
        assertThat(TagFamilies.isPunctuation(family)).isTrue();
    }

    @Test
    void possessiveMarker() {
        assertThat(TagFamilies.isPossessive("np$")).isTrue();
        assertThat(TagFamilies.isPossessive("nns$-tl")).isTrue();
        assertThat(TagFamilies.isPossessive("np")).isFalse();
        assertThat(TagFamilies.isPossessive("md*")).isFalse();
    }

    @Test
    void emptyTagIsRejected() {
        assertThatThrownBy(() -> TagFamilies.family(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
