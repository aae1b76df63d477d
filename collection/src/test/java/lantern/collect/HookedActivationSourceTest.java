package lantern.collect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.RandomGpt2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The collector takes each layer from inside its hook ({@link ActivationSource.LayerSink}) instead of caching every
 * layer to the end of the pass: each layer handed over must be exactly what the cached pass returns for it.
 */
class HookedActivationSourceTest {
    @TempDir
    Path tmp;

    @Test
    void layersHandedOverDuringThePassAreTheCachedPassesLayers() throws Exception {
        Path dir = RandomGpt2.ensure(tmp.resolve("tiny"), new RandomGpt2.Shape("tiny", 3, 32, 4, 48, 97, 16), 7);
        try (DecoderModel model = DecoderModels.load(dir)) {
            HookedActivationSource source = new HookedActivationSource(model);
            Random r = new Random(3);
            long[][] ids = new long[4][12];
            int[] lengths = {12, 9, 5, 12};
            for (int i = 0; i < ids.length; i++) for (int j = 0; j < lengths[i]; j++) ids[i][j] = r.nextInt(97);
            for (int[] layers : List.of(new int[]{0, 1, 2}, new int[]{2, 0}, new int[]{1}, new int[]{1, 1})) {
                try (NDManager m = model.manager().newSubManager()) {
                    List<NDArray> cached = source.neurons(m, ids, lengths, layers);
                    float[][] handed = new float[layers.length][];
                    long[][] shapes = new long[layers.length][];
                    source.neurons(m, ids, lengths, layers, (i, a) -> {
                        handed[i] = a.toFloatArray();
                        shapes[i] = a.getShape().getShape();
                    });
                    for (int i = 0; i < layers.length; i++) {
                        assertThat(shapes[i]).as("layer %d", layers[i]).containsExactly(4, 12, 48);
                        assertThat(handed[i]).as("layer %d", layers[i]).containsExactly(cached.get(i).toFloatArray());
                    }
                    // layers differ from each other, so a sink fed the wrong layer would fail above
                    if (layers.length > 1 && layers[0] != layers[1]) assertThat(Arrays.equals(handed[0], handed[1])).isFalse();
                }
            }
        }
    }
}
