package lantern.explainer.explain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.api.ActivationRecord;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WindowTextTest {
    private static ActivationRecord window(String... tokens) {
        return new ActivationRecord(List.of(tokens), new float[tokens.length]);
    }

    @Test
    void byteLevelBpeTokensReadAsTheOriginalText() {
        // GPT-2 tokens decoded one by one keep their own spaces: one space where the text had one, none before ","
        assertThat(WindowText.of(window("His", " shoes", " were", " black", ",", " and", "\n", "the", " end", "."))).isEqualTo("His shoes were black, and\nthe end.");
        assertThat(WindowText.of(window(" His", " shoes"))).isEqualTo("His shoes");
    }

    @Test
    void rawGpt2VocabularyMarksReadAsSpaces() throws Exception {
        // the real GPT-2 vocabulary (lantern-data/tokenizers/gpt2/encoder.json) spells the same tokens with Ġ
        JsonNode vocab = new ObjectMapper().readTree(Path.of("lantern-data/tokenizers/gpt2/encoder.json").toFile());
        List<String> raw = List.of("His", "Ġshoes", "Ġwere", "Ġblack", ",");
        for (String t : raw) assertThat(vocab.has(t)).as(t).isTrue();
        assertThat(WindowText.of(window(raw.toArray(String[]::new)))).isEqualTo("His shoes were black,");
    }

    @Test
    void wordPieceAndPlainTokensAsBefore() {
        assertThat(WindowText.of(window("the", "dog", "##s", "ran", "."))).isEqualTo("the dogs ran .");
        assertThat(WindowText.of(window("un", "##believ", "##able", "!"))).isEqualTo("unbelievable !");
    }
}
