package lantern.eval.sae;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The first-letter probe that absorption hangs on: it finds letters that activations encode, stays near the majority
 * letter on activations that do not, and an SAE whose hook does not encode them gets "not measurable" in the report,
 * not numbers.
 */
class LetterProbeTest {
    private static final String LETTERS = "abcdefgh";

    /** n words, letters drawn with a skew (a is commonest); activations in 16 dims: a code for the letter plus noise, or noise alone. */
    static float[][] acts(char[] letters, boolean encoded, Random r) {
        float[][] x = new float[letters.length][16];
        for (int i = 0; i < letters.length; i++) {
            for (int d = 0; d < 16; d++) x[i][d] = (float) r.nextGaussian();
            if (encoded) x[i][LETTERS.indexOf(letters[i])] += 4f;
        }
        return x;
    }

    static char[] letters(int n, Random r) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) c[i] = r.nextDouble() < 0.3 ? 'a' : LETTERS.charAt(r.nextInt(LETTERS.length()));
        return c;
    }

    @Test
    void theProbeFindsEncodedLettersAndOnlyTheMajorityOnNoise() {
        Random r = new Random(11);
        char[] letters = letters(600, r);
        Absorption.LetterProbe encoded = Absorption.letterProbe(acts(letters, true, r), letters, 3);
        assertThat(encoded.testWords()).isEqualTo(120);
        assertThat(encoded.trainWords()).isEqualTo(480);
        assertThat(encoded.letters()).isEqualTo(8);
        assertThat(encoded.accuracy()).isGreaterThan(0.9);

        Absorption.LetterProbe noise = Absorption.letterProbe(acts(letters, false, r), letters, 3);
        // the commonest letter (a: 30% + 1/8 of the rest) is what a probe without signal can reach
        assertThat(noise.majority()).isBetween(0.3, 0.5);
        assertThat(noise.accuracy()).isLessThan(noise.majority() + 0.1).isLessThan(Absorption.MEASURABLE_PROBE);
    }

    @Test
    void aHookWhereNoProbeFindsLettersIsReportedNotMeasurableWithoutNumbers() {
        Random r = new Random(5);
        char[] letters = letters(400, r);
        float[][] acts = acts(letters, false, r);
        // an SAE that is the identity on 16 dims: any numbers it got would be noise
        float[][] dec = new float[16][16];
        for (int j = 0; j < 16; j++) dec[j][j] = 1;
        float[][] lat = new float[acts.length][];
        for (int i = 0; i < acts.length; i++) {
            lat[i] = acts[i].clone();
            for (int j = 0; j < 16; j++) lat[i][j] = Math.max(0, lat[i][j]);
        }
        Absorption.Result res = Absorption.measure(acts, lat, dec, letters, 2, 3);
        AbsorptionBench.Row row = new AbsorptionBench.Row("sae-identity", "blocks.2.hook_resid_post", res);
        assertThat(row.measurable()).isFalse();
        String table = SaeBenchReport.absorption(List.of(row));
        String line = table.lines().filter(l -> l.startsWith("| sae-identity")).findFirst().orElseThrow();
        assertThat(line).contains(String.format(java.util.Locale.ROOT,
                "not measurable: first-letter probe accuracy %.3f on blocks.2.hook_resid_post", res.probeAccuracy()));
        assertThat(line).endsWith("(below 0.50) | | | | |");

        Random q = new Random(6);
        float[][] coded = acts(letters, true, q);
        AbsorptionBench.Row good = new AbsorptionBench.Row("sae-coded", "blocks.2.hook_resid_post",
                Absorption.measure(coded, coded, dec, letters, 2, 3));
        assertThat(good.measurable()).isTrue();
        assertThat(SaeBenchReport.absorption(List.of(good))).doesNotContain("not measurable");

        String scan = SaeBenchReport.letterProbes("toy", List.of(new AbsorptionBench.ProbeAt("hook_embed",
                Absorption.letterProbe(coded, letters, 3)), new AbsorptionBench.ProbeAt("blocks.0.hook_resid_post",
                Absorption.letterProbe(acts, letters, 3))));
        assertThat(scan).contains("| hook_embed | 320/80 | 8 |").contains("| yes |").contains("| no |");
    }
}
