package lantern.explainer.explain;

import lantern.api.ActivationRecord;
import lantern.corpus.Document;
import lantern.corpus.Sentence;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Class labels quote whole words of their class; conjunctions read in order; the corpus check catches the rest. */
class ClassLabelTest {
    /** A window of Brown words cut into pieces: each word is "piece|piece|..." with its tag; activation per piece. */
    private static ActivationRecord window(String spec, float[] acts) {
        List<String> tokens = new ArrayList<>(), tags = new ArrayList<>();
        List<Boolean> starts = new ArrayList<>();
        for (String w : spec.split(" ")) {
            String[] wt = w.split("/");
            String[] pieces = wt[0].split("\\|");
            for (int k = 0; k < pieces.length; k++) {
                tokens.add(pieces[k]);
                tags.add(wt[1]);
                starts.add(k == 0 && !pieces[k].startsWith("##"));
            }
        }
        boolean[] s = new boolean[starts.size()];
        for (int i = 0; i < s.length; i++) s[i] = starts.get(i);
        return new ActivationRecord(tokens, acts, tags, s);
    }

    private static float[] on(int size, int... strong) {
        float[] a = new float[size];
        for (int i = 0; i < strong.length; i++) a[strong[i]] = 10 - i;
        return a;
    }

    @Test
    void aModalLabelQuotesWontNotItsApostropheOrItsFirstPiece() {
        // "he won't go ." : won ' t are one Brown word (md*), the unit fires most on the apostrophe
        var a = window("he/PPS won|'|t/MD go/VB ./.", on(6, 2, 1, 3));
        var b = window("she/PPS could/MD go/VB ./.", on(4, 1));
        String text = RulePhrases.phrase(Rule.tag("MD"), List.of(a, b));
        assertThat(text).isEqualTo("modal verbs (Brown tag MD), such as 'won't', 'could'");
    }

    @Test
    void aProperNounLabelQuotesTheWordAPieceBelongsToAndDropsWordsTheWindowCuts() {
        var r = window("##es/NP mr/NP hart|##man/NP said/VBD j|./NP smith/NP ./.", on(9, 0, 3, 5, 4));
        String text = RulePhrases.phrase(Rule.tag("NP"), List.of(r));
        // '##es' starts the window: its word is cut, so it is no example; '##man' reads 'hartman'
        assertThat(text).isEqualTo("proper nouns (Brown tag NP), such as 'hartman', 'j.'");
    }

    @Test
    void aNounLabelNeverQuotesPunctuationOrBarePieces() {
        var r = window("the/AT serv|##ice/NN ,/, dan|##ger/NN and/CC fund/NN ./.", on(9, 5, 2, 3, 7, 1));
        String text = RulePhrases.phrase(Rule.tag("NN").and(Rule.tokens(java.util.Set.of("##ger", "##ice"))).graded(0.3), List.of(r));
        assertThat(text).isEqualTo("singular nouns (Brown tag NN), strongest on 'danger', 'service' (other singular nouns at about 30%)");
    }

    @Test
    void followedByMeansTheNextWordNotTheRestOfTheSameWord() {
        // '$' in '$84' is followed by '84', a piece of its own word: it is not "right before a plural noun"
        var r = window("paid/VBD $|84/NNS bills/NNS today/NR", new float[] {5, 9, 1, 0, 0});
        boolean[] f = new Rule(Rule.Kind.FOLLOWED_BY_TAG, List.of("NNS")).fires(r);
        assertThat(f).containsExactly(true, false, true, false, false);
        String text = RulePhrases.phrase(new Rule(Rule.Kind.FOLLOWED_BY_TAG, List.of("NNS")), List.of(r));
        assertThat(text).isEqualTo("'paid', '84' and other tokens right before plural nouns");
        String conj = RulePhrases.phrase(Rule.tag("NNS").and(new Rule(Rule.Kind.FOLLOWED_BY_TAG, List.of("NNS"))), List.of(r));
        assertThat(conj).isEqualTo("plural nouns (Brown tag NNS) right before plural nouns, such as '$84'");
    }

    @Test
    void theCorpusCheckFlagsTodaysContradictingLabelsAndPassesWholeWords() {
        var corpus = new ClassLabelCheck.WordClasses();
        corpus.add(new Document("x", "news", List.of(
                Sentence.tagged(List.of("He", "won't", "go", "and", "J.", "Hartman", "could", "."), List.of("pps", "md*", "vb", "cc", "np", "np", "md", ".")),
                Sentence.tagged(List.of("It'll", "cost", "$84", "."), List.of("pps+md", "vb", "nns", ".")))));
        var bad = ClassLabelCheck.check("modal verbs (Brown tag MD), such as 'could', ''', 'won'", Rule.tag("MD"), corpus);
        assertThat(bad.examples()).containsExactly("could", "'", "won");
        assertThat(bad.contradicting()).containsExactly("'", "won");
        assertThat(ClassLabelCheck.check("proper nouns (Brown tag NP), such as 'j', '##man', '##es'", Rule.tag("NP"), corpus).contradicting())
                .containsExactly("j", "##man", "##es");
        assertThat(ClassLabelCheck.check("singular nouns (Brown tag NN), strongest on '##ger', 'service' (other singular nouns at about 20%)",
                Rule.tag("NN").and(Rule.tokens(java.util.Set.of("##ger", "service"))).graded(0.2), corpus).examples()).containsExactly("##ger", "service");

        var good = ClassLabelCheck.check("modal verbs (Brown tag MD), such as 'won't', 'could'", Rule.tag("MD"), corpus);
        assertThat(good.contradicts()).isFalse();
        assertThat(ClassLabelCheck.check("proper nouns (Brown tag NP), such as 'hartman', 'j.'", Rule.tag("NP"), corpus).contradicts()).isFalse();
        assertThat(ClassLabelCheck.check("third-person singular subject pronouns (Brown tag PPS), such as 'it'll', 'he'", Rule.tag("PPS"), corpus).contradicts()).isFalse();
        assertThat(ClassLabelCheck.check("plural nouns (Brown tag NNS) right before plural nouns, such as '$84'", Rule.tag("NNS"), corpus).contradicts()).isFalse();
        // token lists are no class labels
        assertThat(ClassLabelCheck.check("the tokens 'won', 'x'", Rule.tokens(java.util.Set.of("won", "x")), corpus)).isNull();
    }
}
