package lantern.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainCheckpointTest {
    @TempDir
    Path tmp;

    @Test
    void aCheckpointReadsBackExactlyAndATornOrDamagedOneIsRefused() throws Exception {
        TrainConfig c = DecoderTrainerTest.tiny(5);
        int[] stream = DecoderTrainerTest.byteStream();
        Path file = tmp.resolve("work").resolve("checkpoint.bin");
        float[][] values;
        try (DecoderTrainer t = DecoderTrainer.fresh(c)) {
            for (int s = 0; s < 2; s++) t.train(DecoderTrainerTest.batch(stream, c, 5, s), 10);
            TrainCheckpoint.write(file, t, "{\"settings\":1}", 10, new float[]{5.5f, 5.25f});
            values = t.parameters().tensors().stream().map(ModelParameters.Tensor::values).toArray(float[][]::new);
        }
        assertThat(file.resolveSibling("checkpoint.bin.tmp")).as("renamed into place").doesNotExist();
        TrainCheckpoint.State s = TrainCheckpoint.read(file);
        assertThat(s.settings()).isEqualTo("{\"settings\":1}");
        assertThat(s.step()).isEqualTo(2);
        assertThat(s.totalSteps()).isEqualTo(10);
        assertThat(s.losses()).containsExactly(5.5f, 5.25f);
        assertThat(s.values()).hasSameDimensionsAs(values);
        for (int i = 0; i < values.length; i++) assertThat(Arrays.equals(s.values()[i], values[i])).isTrue();
        try (DecoderTrainer r = TrainCheckpoint.restore(c, s)) {
            assertThat(r.step()).isEqualTo(2);
            assertThat(r.optimizer().secondMoments()[0]).isEqualTo(s.v()[0]);
        }

        byte[] good = Files.readAllBytes(file);
        Path torn = tmp.resolve("torn.bin");
        Files.write(torn, Arrays.copyOf(good, good.length / 2)); // what a kill mid-write would leave, had we no rename
        assertThatThrownBy(() -> TrainCheckpoint.read(torn)).isInstanceOf(IOException.class).hasMessageContaining("CRC");
        Files.write(torn, Arrays.copyOf(good, 5));
        assertThatThrownBy(() -> TrainCheckpoint.read(torn)).isInstanceOf(IOException.class).hasMessageContaining("truncated");
        byte[] flipped = good.clone();
        flipped[good.length / 3] ^= 0x10; // one bit of one weight
        Path damaged = tmp.resolve("damaged.bin");
        Files.write(damaged, flipped);
        assertThatThrownBy(() -> TrainCheckpoint.read(damaged)).isInstanceOf(IOException.class)
                .hasMessageContaining("fails its CRC check");
    }
}
