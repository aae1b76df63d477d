package lantern.explainer.explain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CorrelationTest {
    @Test
    void perfectAndInverse() {
        assertThat(Correlation.pearson(new double[]{1, 2, 3}, new double[]{2, 4, 6})).isCloseTo(1, within(1e-12));
        assertThat(Correlation.pearson(new double[]{1, 2, 3}, new double[]{3, 2, 1})).isCloseTo(-1, within(1e-12));
    }

    @Test
    void knownValue() {
        // numpy.corrcoef([1,2,3,4,5],[2,1,4,3,5])[0,1] = 0.8
        assertThat(Correlation.pearson(new double[]{1, 2, 3, 4, 5}, new double[]{2, 1, 4, 3, 5})).isCloseTo(0.8, within(1e-12));
    }

    @Test
    void undefinedCasesAreNaNNotExceptions() {
        assertThat(Correlation.pearson(new double[]{}, new double[]{})).isNaN();
        assertThat(Correlation.pearson(new double[]{1}, new double[]{2})).isNaN();
        assertThat(Correlation.pearson(new double[]{1, 1, 1}, new double[]{1, 2, 3})).isNaN();
        assertThat(Correlation.pearson(new double[]{0, 0}, new double[]{0, 0})).isNaN();
    }

    @Test
    void nanPairsAreSkipped() {
        assertThat(Correlation.pearson(new double[]{1, Double.NaN, 2, 3}, new double[]{2, 100, 4, 6})).isCloseTo(1, within(1e-12));
        assertThat(Correlation.pearson(new double[]{Double.NaN, Double.NaN}, new double[]{1, 2})).isNaN();
    }

    @Test
    void hugeValuesStayFinite() {
        assertThat(Correlation.pearson(new double[]{1e300, -1e300, 0}, new double[]{1, -1, 0})).isNaN();
        assertThat(Correlation.pearson(new double[]{1e150, -1e150, 0}, new double[]{1, -1, 0})).isCloseTo(1, within(1e-9));
    }

    @Test
    void lengthMismatchIsAnError() {
        assertThatThrownBy(() -> Correlation.pearson(new double[]{1}, new double[]{1, 2})).isInstanceOf(IllegalArgumentException.class);
    }
}
