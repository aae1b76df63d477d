package lantern.eval.sae;

import ai.djl.ndarray.NDManager;
import lantern.subject.sae.Sae;
import lantern.subject.sae.SaeConfig;
import lantern.subject.sae.SaeWeights;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** A Matryoshka SAE read level by level, on a hand-made case whose numbers are counted by hand. */
class PrefixRecoveryTest {
    static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** 4 planted features e0..e3, one active per sample at magnitude 2; feature 2 fires on 50%, 0 on 30%, 1 on 15%, 3 on 5%. */
    static SyntheticFeatures.Sample sample() {
        int n = 100, d = 4;
        float[] x = new float[n * d];
        int[][] active = new int[n][];
        float[][] mag = new float[n][];
        for (int s = 0; s < n; s++) {
            int f = s < 50 ? 2 : s < 80 ? 0 : s < 95 ? 1 : 3;
            x[s * d + f] = 2f;
            active[s] = new int[]{f};
            mag[s] = new float[]{2f};
        }
        return new SyntheticFeatures.Sample(n, d, x, active, mag);
    }

    /** A TopK(1) SAE whose latent j encodes and decodes planted feature order[j]. */
    static Sae sae(int[] order) {
        int d = 4, f = 4;
        float[] enc = new float[d * f], dec = new float[f * d];
        for (int j = 0; j < f; j++) {
            enc[order[j] * f + j] = 1f;
            dec[j * d + order[j]] = 1f;
        }
        return Sae.of(SaeConfig.topK("toy", "blocks.0.hook_resid_post", d, f, 1), new SaeWeights(enc, new float[f], dec, new float[d], null), manager);
    }

    @Test
    void eachLevelSaysWhatItsFirstLatentsRecoverAndCarry() {
        float[][] truth = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
        // latents ordered like the features' frequency: the first level holds the commonest feature
        try (Sae byFrequency = sae(new int[]{2, 0, 1, 3})) {
            List<PrefixRecovery> levels = PrefixRecovery.measure(byFrequency, List.of(1, 2, 4), truth, sample(), manager);
            assertThat(levels).extracting(PrefixRecovery::width).containsExactly(1, 2, 4);
            for (PrefixRecovery p : levels) assertThat(p.mcc()).isCloseTo(1.0, within(1e-6));
            assertThat(levels.get(0).l0()).isCloseTo(0.50, within(1e-9));
            assertThat(levels.get(1).l0()).isCloseTo(0.80, within(1e-9));
            assertThat(levels.get(2).l0()).isCloseTo(1.00, within(1e-9));
            assertThat(levels.get(0).trueL0OfMostFrequent()).isCloseTo(0.50, within(1e-9));
            assertThat(levels.get(1).trueL0OfMostFrequent()).isCloseTo(0.80, within(1e-9));
            assertThat(levels.get(2).matchedAbove09()).isEqualTo(4);
        }
        // the same latents in the opposite order: the first level now holds the rarest feature
        try (Sae reversed = sae(new int[]{3, 1, 0, 2})) {
            List<PrefixRecovery> levels = PrefixRecovery.measure(reversed, List.of(1, 2), truth, sample(), manager);
            assertThat(levels.get(0).l0()).isCloseTo(0.05, within(1e-9));
            assertThat(levels.get(1).l0()).isCloseTo(0.20, within(1e-9));
            assertThat(levels.get(0).trueL0OfMostFrequent()).isCloseTo(0.50, within(1e-9));
        }
    }
}
