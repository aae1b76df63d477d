package lantern.train;

import lantern.subject.tokenize.HfTextTokenizer;
import lantern.train.BpeTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BrownTokenizerTest {
    @TempDir
    Path tmp;

    @Test
    void aBpeFittedHereRoundTripsEveryBrownFileExactlyThroughTheHuggingFaceLoader() throws Exception {
        BrownSplit all = BrownSplit.load(Path.of("lantern-data"));
        assertThat(all.heldOut()).hasSize(25);
        assertThat(all.train()).hasSize(475);
        assertThat(all.heldOutIds()).doesNotContainAnyElementsOf(all.trainIds());
        BpeTrainer.Vocabulary v = BpeTrainer.train(all.train().subList(0, 30), 600);
        assertThat(v.size()).isEqualTo(600);
        Path json = tmp.resolve("tokenizer.json");
        BpeTrainer.writeTokenizerJson(v, json);
        try (HfTextTokenizer tok = HfTextTokenizer.load(json, HfTextTokenizer.Options.DECODER)) {
            long tokens = 0, chars = 0;
            for (List<String> part : List.of(all.train(), all.heldOut())) {
                for (String doc : part) {
                    long[] ids = tok.encode(doc, false).ids();
                    assertThat(tok.decode(ids)).isEqualTo(doc);
                    tokens += ids.length;
                    chars += doc.length();
                }
            }
            assertThat((double) chars / tokens).as("merges are used: characters per token").isGreaterThan(2.0);
            long[] withSpecial = tok.encode("The jury said", true).ids();
            assertThat(withSpecial[0]).as("encoding with special tokens starts like a training document")
                    .isEqualTo(BpeTrainer.END_OF_TEXT);
            String odd = "naïve café — “quotes” 😀\ttab\n";
            assertThat(tok.decode(tok.encode(odd, false).ids())).as("any text, via bytes").isEqualTo(odd);
        }
    }
}
