package lantern.subject.decoder;

import ai.djl.ndarray.NDManager;
import lantern.subject.Hooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The random-weight GPT-2 folder of {@code bench graph --shape}: loads as a GPT-2, written once, rewritten for another seed. */
class RandomGpt2Test {
    static final RandomGpt2.Shape TINY = new RandomGpt2.Shape("tiny", 2, 16, 4, 32, 100, 24);

    @Test
    void writesALoadableGpt2FolderOnceAndAgainForAnotherSeed(@TempDir Path tmp) throws Exception {
        Path dir = RandomGpt2.ensure(tmp.resolve("g"), TINY, 3);
        try (DecoderModel m = DecoderModels.load("r", dir, null); NDManager nd = m.manager().newSubManager()) {
            DecoderConfig c = m.config();
            assertThat(c.layers()).isEqualTo(2);
            assertThat(c.dModel()).isEqualTo(16);
            assertThat(c.dMlp()).isEqualTo(32);
            assertThat(c.vocabSize()).isEqualTo(100);
            assertThat(c.activation()).isEqualTo(DecoderConfig.Activation.GELU_TANH);
            long[][] ids = {{99, 5, 17, 42}};
            float[] out = m.run(nd, ids, new int[]{4}, Hooks.none()).output().toFloatArray();
            assertThat(out).hasSize(4 * 16);
            for (float v : out) assertThat(Float.isFinite(v)).isTrue();
            assertThat(m.tokenizer().displayToken(99)).isEqualTo("<|endoftext|>");
        }
        var written = Files.getLastModifiedTime(dir.resolve("model.safetensors"));
        Thread.sleep(20);
        RandomGpt2.ensure(dir, TINY, 3);
        assertThat(Files.getLastModifiedTime(dir.resolve("model.safetensors"))).isEqualTo(written);
        byte[] first = Files.readAllBytes(dir.resolve("model.safetensors"));
        RandomGpt2.ensure(dir, TINY, 4);
        assertThat(Files.readAllBytes(dir.resolve("model.safetensors"))).isNotEqualTo(first);
        assertThat(Files.readString(dir.resolve(".complete"))).endsWith("seed=4");
        assertThatThrownBy(() -> RandomGpt2.shape("gpt3")).hasMessageContaining("gpt2-small");
        assertThat(RandomGpt2.shape("gpt2-small").dModel()).isEqualTo(768);
    }
}
