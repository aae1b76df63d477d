package lantern.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.subject.decoder.DecoderRegistry;
import lantern.train.DecoderTrainer;
import lantern.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DecoderTrainingRunTest {
    @TempDir
    Path tmp;

    static final class Stop extends RuntimeException {
    }

    private static DecoderTrainingRun.Listener listener(List<String> notes, long stopAt) {
        return new DecoderTrainingRun.Listener() {
            @Override
            public void note(String line) {
                notes.add(line);
            }

            @Override
            public void onStep(long step, long total, DecoderTrainer.StepResult r, double tps, double eta) {
                if (step == stopAt) throw new Stop(); // dies between checkpoints: step 5's work is lost
            }
        };
    }

    private Path data(String name) throws Exception {
        Path d = tmp.resolve(name);
        Files.createDirectories(d.resolve("corpora"));
        Files.createSymbolicLink(d.resolve("corpora").resolve("brown"),
                Path.of("lantern-data/corpora/brown").toAbsolutePath());
        return d;
    }

    @Test
    void aRunStoppedBetweenCheckpointsResumesToTheSameWeightsBitForBitAndRegistersItsFolder() throws Exception {
        TrainConfig c = new TrainConfig(1, 32, 2, 64, 16, 400, 4, 1e-2, 2, 0.1, 1.0, 0.9, 0.95, false, 3);
        // 7 steps, checkpoints every 2 steps (and at the end), 21 Brown files: 20 train, 1 held out
        var o = new DecoderTrainingRun.Options("tiny", c, 0, 7 * 4 * 16, 0, 2, false, 5, 21);
        Path a = data("a");
        var ra = new DecoderTrainingRun(a).run(o, listener(new ArrayList<>(), -1));
        Path b = data("b");
        DecoderTrainingRun runB = new DecoderTrainingRun(b);
        assertThatThrownBy(() -> runB.run(o, listener(new ArrayList<>(), 5))).isInstanceOf(Stop.class);
        assertThat(runB.trained("tiny")).isFalse();
        List<String> notes = new ArrayList<>();
        var rb = runB.run(o, listener(notes, -1));
        assertThat(notes).anyMatch(n -> n.startsWith("resuming from the checkpoint at step 4 of 7"));
        assertThat(rb.resumed()).isTrue();
        assertThat(rb.steps()).isEqualTo(7);
        assertThat(Files.readAllBytes(rb.dir().resolve("model.safetensors")))
                .isEqualTo(Files.readAllBytes(ra.dir().resolve("model.safetensors")));
        assertThat(runB.workDir("tiny")).doesNotExist();

        JsonNode t = new ObjectMapper().readTree(rb.dir().resolve("training.json").toFile());
        assertThat(t.path("losses")).hasSize(7);
        assertThat(t.path("losses").toString())
                .isEqualTo(new ObjectMapper().readTree(ra.dir().resolve("training.json").toFile()).path("losses").toString());
        for (String k : List.of("tokens", "perplexity", "unigramPerplexity", "trigramPerplexity")) {
            assertThat(t.path("heldOut").path(k).asDouble()).as(k).isPositive();
        }
        assertThat(t.path("data").path("heldOutFiles").get(0).asText()).isEqualTo("ca11");
        assertThat(t.path("data").path("sha256").asText()).hasSize(64);
        assertThat(new DecoderRegistry(b).get("tiny").path()).isEqualTo(rb.dir().toAbsolutePath().normalize().toString());
        assertThat(rb.samples()).containsKey("The");
    }

    @Test
    void aDamagedCheckpointIsIgnoredWithANoteAndTheRunStartsOverToTheSameWeights() throws Exception {
        TrainConfig c = new TrainConfig(1, 32, 2, 64, 16, 400, 4, 1e-2, 2, 0.1, 1.0, 0.9, 0.95, false, 3);
        var o = new DecoderTrainingRun.Options("tiny", c, 0, 5 * 4 * 16, 0, 2, false, 0, 21);
        var ra = new DecoderTrainingRun(data("a")).run(o, listener(new ArrayList<>(), -1));
        DecoderTrainingRun runB = new DecoderTrainingRun(data("b"));
        assertThatThrownBy(() -> runB.run(o, listener(new ArrayList<>(), 3))).isInstanceOf(Stop.class);
        Path ckpt = runB.workDir("tiny").resolve("checkpoint.bin");
        byte[] bytes = Files.readAllBytes(ckpt);
        bytes[bytes.length / 2] ^= 1; // one flipped bit in a weight
        Files.write(ckpt, bytes);
        Files.write(ckpt.resolveSibling("checkpoint.bin.tmp"), java.util.Arrays.copyOf(bytes, 100)); // a torn write
        List<String> notes = new ArrayList<>();
        var rb = runB.run(o, listener(notes, -1));
        assertThat(notes).anyMatch(n -> n.startsWith("starting fresh: the checkpoint " + ckpt)
                && n.contains("fails its CRC check")).noneMatch(n -> n.startsWith("resuming"));
        assertThat(rb.resumed()).isFalse();
        assertThat(Files.readAllBytes(rb.dir().resolve("model.safetensors")))
                .isEqualTo(Files.readAllBytes(ra.dir().resolve("model.safetensors")));
        assertThat(runB.workDir("tiny")).doesNotExist();
    }
}
