package lantern.subject.decoder;

import lantern.api.generate.Sampling;
import com.fasterxml.jackson.databind.node.ObjectNode;
import lantern.subject.Hooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An empty prompt starts from BOS alone (llama2.c's run), or is refused where the model has no BOS. */
class EmptyPromptTest {
    static final TinyModels.Spec S = TinyModels.SMALL;

    @TempDir
    Path tmp;

    @Test
    void llama2cStartsFromBos() throws Exception {
        TinyModels.Spec s = new TinyModels.Spec(16, 2, 4, 2, 32, 300, 32);
        Path bin = TinyModels.writeLlama2c(tmp.resolve("m.bin"), s, TinyModels.llamaWeights(s, 2, false, false), false);
        TinyModels.writeTokenizerBin(tmp.resolve("tokenizer.bin"), 300, List.of("he", "ll", "hello"));
        try (DecoderModel m = DecoderModels.load(bin)) {
            assertThat(Generator.promptIds(m, "")).containsExactly(1);
            assertThat(Generator.promptIds(m, null)).containsExactly(1);
            Generation g = Generator.withCache(m, Generator.promptIds(m, ""), Sampling.greedy(5), Hooks.none());
            assertThat(g.promptIds()).containsExactly(1);
        }
    }

    @Test
    void gpt2StartsFromItsConfiguredBosOrSaysThereIsNone() throws Exception {
        Path dir = TinyModels.writeGpt2(tmp.resolve("g"), S, TinyModels.gpt2Weights(S, 3), "F32", "");
        try (DecoderModel m = DecoderModels.load(dir)) {
            assertThatThrownBy(() -> Generator.promptIds(m, "")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no BOS token");
        }
        ObjectNode cfg = (ObjectNode) TinyModels.JSON.readTree(dir.resolve("config.json").toFile());
        cfg.put("bos_token_id", 11);
        TinyModels.JSON.writeValue(dir.resolve("config.json").toFile(), cfg);
        try (DecoderModel m = DecoderModels.load(dir)) {
            assertThat(Generator.promptIds(m, "")).containsExactly(11);
            assertThat(Generator.promptIds(m, "the cat")).containsExactly(1, 2); // a prompt is read as given
            Generation g = Generator.withCache(m, Generator.promptIds(m, ""), Sampling.greedy(4), Hooks.none());
            assertThat(g.generatedIds()).hasSize(4);
        }
    }
}
