package lantern.train;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class DecoderTrainerTest {
    /** A Brown file's text as byte tokens (ids 3..258): real text, no tokenizer needed. */
    static int[] byteStream() throws Exception {
        String raw = Files.readString(Path.of("lantern-data/corpora/brown/ca01"), StandardCharsets.UTF_8);
        String text = raw.replaceAll("/\\S+", "").replaceAll("\\s+", " ");
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[b.length];
        for (int i = 0; i < b.length; i++) ids[i] = BpeTrainer.FIRST_BYTE + (b[i] & 0xFF);
        return ids;
    }

    static TrainConfig tiny(long seed) {
        return new TrainConfig(2, 32, 2, 64, 32, 259, 8, 1e-2, 10, 0.01, 1.0, 0.9, 0.95, false, seed);
    }

    static int[][] batch(int[] stream, TrainConfig c, long seed, long step) {
        Random r = new Random(seed * 1_000_003L + step);
        int[][] rows = new int[c.batch()][];
        for (int i = 0; i < rows.length; i++) {
            int s = r.nextInt(stream.length - c.context() - 1);
            rows[i] = java.util.Arrays.copyOfRange(stream, s, s + c.context() + 1);
        }
        return rows;
    }

    @Test
    void lossFallsBelowTheUnigramEntropyOfItsData() throws Exception {
        int[] stream = byteStream();
        double[] counts = new double[259];
        for (int t : stream) counts[t]++;
        double entropy = 0;
        for (double c : counts) if (c > 0) entropy -= c / stream.length * Math.log(c / stream.length);
        TrainConfig c = tiny(7);
        int steps = 100;
        double last = 0;
        double first;
        try (DecoderTrainer t = DecoderTrainer.fresh(c)) {
            first = t.train(batch(stream, c, 7, 0), steps).loss();
            for (int s = 1; s < steps; s++) {
                double loss = t.train(batch(stream, c, 7, s), steps).loss();
                if (s >= steps - 10) last += loss / 10;
            }
        }
        assertThat(first).as("starts near uniform over 259 ids").isGreaterThan(Math.log(259) - 0.3);
        assertThat(last).as("mean loss of the last 10 steps vs unigram entropy " + entropy).isLessThan(entropy);
    }
}
