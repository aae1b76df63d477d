package lantern.eval.sae;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The first-letter absorption metric on hand-made cases. */
class AbsorptionTest {
    /** Probe direction e0. Latent 0 = e0 (the main "starts with s" latent); latent 1 = (e0 + e1)/√2 ("snake"). */
    static final double[] COS = {1.0, Math.sqrt(0.5), 0.0};

    @Test
    void aWordCarriedByAnotherLatentWhileTheMainOneIsSilentIsFullyAbsorbed() {
        // activation 2·e0 + 2·e1: projection on the probe 2; the main latent silent, latent 1 at 2√2 carries it all
        Absorption.WordScore s = Absorption.score(2.0, new float[]{0f, (float) (2 * Math.sqrt(2)), 0f}, COS, new int[]{0});
        assertThat(s.full()).isTrue();
        assertThat(s.fraction()).isEqualTo(1.0);
    }

    @Test
    void aWordTheMainLatentCarriesIsNotAbsorbed() {
        Absorption.WordScore s = Absorption.score(2.0, new float[]{2f, 0f, 1f}, COS, new int[]{0});
        assertThat(s.full()).isFalse();
        assertThat(s.fraction()).isEqualTo(0.0);
    }

    @Test
    void partialAbsorptionIsTheAbsorbersShareOfWhatIsExplained() {
        // main carries 0.5 of 2.0; latent 1 carries 1.0·√0.5·… = 1.2: A = min(1.2, 1.5) = 1.2, fraction 1.2 / 1.7
        float a1 = (float) (1.2 / Math.sqrt(0.5));
        Absorption.WordScore s = Absorption.score(2.0, new float[]{0.5f, a1, 0f}, COS, new int[]{0});
        assertThat(s.full()).isFalse(); // the main latent fires
        assertThat(s.fraction()).isCloseTo(1.2 / 1.7, within(1e-6));
        // an absorber carrying under 40% of the projection does not count
        Absorption.WordScore small = Absorption.score(2.0, new float[]{0.5f, (float) (0.7 / Math.sqrt(0.5)), 0f}, COS, new int[]{0});
        assertThat(small.fraction()).isEqualTo(0.0);
    }

    @Test
    void endToEndAnSaeThatSplitsALetterIntoAnAbsorbingLatentScoresAbsorption() {
        // 4-dim activations: e0 codes "starts with s", e1 codes "is the word snake-ish", e2/e3 code "starts with t"
        // (so the probe has two letters). SAE latents: 0 = e0 (main s), 1 = norm(e0 + e1) (absorbs s on snake words),
        // 2 = e2 (t).
        Random r = new Random(3);
        int n = 400;
        float[][] acts = new float[n][], lat = new float[n][];
        char[] letters = new char[n];
        for (int i = 0; i < n; i++) {
            boolean s = i % 2 == 0, snake = s && i % 8 == 0;
            letters[i] = s ? 's' : 't';
            float noise = (float) r.nextGaussian() * 0.05f;
            acts[i] = s ? new float[]{1 + noise, snake ? 1 : 0, 0, 0.1f} : new float[]{noise, 0, 1, 0.3f};
            lat[i] = s ? (snake ? new float[]{0, (float) Math.sqrt(2), 0} : new float[]{1, 0, 0}) : new float[]{0, 0, 1};
        }
        float[][] dec = {{1, 0, 0, 0}, {(float) Math.sqrt(0.5), (float) Math.sqrt(0.5), 0, 0}, {0, 0, 1, 0}};
        Absorption.Result res = Absorption.measure(acts, lat, dec, letters, 1, 5);
        assertThat(res.probeAccuracy()).isGreaterThan(0.95);
        Absorption.LetterResult s = res.letters().stream().filter(l -> l.letter() == 's').findFirst().orElseThrow();
        assertThat(s.mainLatents()).containsExactly(0);
        // a quarter of the s-words are snake words, all absorbed by latent 1
        assertThat(s.fullRate()).isCloseTo(0.25, within(0.12));
        assertThat(s.meanFraction()).isCloseTo(0.25, within(0.12));
        Absorption.LetterResult t = res.letters().stream().filter(l -> l.letter() == 't').findFirst().orElseThrow();
        assertThat(t.fullRate()).isEqualTo(0.0);
    }
}
