package lantern.train;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class NgramBaselinesTest {
    @Test
    void kneserNeyIsADistributionForSeenAndUnseenHistoriesAndBeatsTheUnigramOnStructuredText() {
        Random r = new Random(3);
        int vocab = 50;
        int[] train = new int[20_000];
        for (int i = 0; i < train.length; i++) {
            // a token mostly follows from the two before it
            train[i] = i < 2 || r.nextInt(5) == 0 ? r.nextInt(vocab) : (train[i - 1] * 7 + train[i - 2]) % vocab;
        }
        NgramBaselines b = new NgramBaselines(train, vocab);
        for (int[] h : new int[][]{{train[10], train[11]}, {-1, train[5]}, {49, 48}, {-1, -1}}) {
            double sum = 0, uni = 0;
            for (int w = 0; w < vocab; w++) {
                double p = b.trigram(h[0], h[1], w);
                assertThat(p).isPositive();
                sum += p;
                uni += b.unigram(w);
            }
            assertThat(sum).as("history " + h[0] + "," + h[1]).isCloseTo(1.0, within(1e-9));
            assertThat(uni).isCloseTo(1.0, within(1e-9));
        }
        int[] test = new int[3_000];
        for (int i = 0; i < test.length; i++) {
            test[i] = i < 2 || r.nextInt(5) == 0 ? r.nextInt(vocab) : (test[i - 1] * 7 + test[i - 2]) % vocab;
        }
        double[] nll = b.heldOutNll(test, 64);
        assertThat(nll[2]).isEqualTo(test.length - 1);
        assertThat(Math.exp(nll[1] / nll[2])).as("trigram perplexity").isLessThan(Math.exp(nll[0] / nll[2]) / 3);
    }
}
