package lantern.service.cli;

import lantern.index.Intervals;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SearchCommandTest {
    @Test
    void aScoreIsPrintedWithItsIntervalOrWhatTheIndexHasOfIt() {
        assertThat(SearchCommand.score(0.62, new Intervals.Bounds(0.48, 0.74, 40), 0.48)).isEqualTo("0.62 [0.48, 0.74]");
        assertThat(SearchCommand.score(0.5, null, 0.3)).isEqualTo("0.50 [0.30, ?]"); // indexed before intervals
        assertThat(SearchCommand.score(0.5, null, null)).isEqualTo("0.50");
        assertThat(SearchCommand.score(null, null, null)).isEqualTo("-");
    }
}
