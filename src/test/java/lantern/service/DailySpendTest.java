package lantern.service;

import lantern.eval.audit.LlmPrices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class DailySpendTest {
    @TempDir
    Path dir;

    @Test
    void theDailyCapSurvivesARestartAndResetsTheNextDay() {
        Clock day1 = Clock.fixed(Instant.parse("2026-11-30T10:00:00Z"), ZoneOffset.UTC);
        DailySpend d = new DailySpend(dir, 1000L, null, null, day1);
        assertThat(d.refusal()).isNull();
        d.spent(600, 100);
        assertThat(d.refusal()).isNull();
        d.spent(250, 50);
        assertThat(d.refusal()).contains("lantern.budget.daily-max-tokens = 1000").contains("1000 of");

        DailySpend restarted = new DailySpend(dir, 1000L, null, null, day1);
        assertThat(restarted.tokensToday()).isEqualTo(1000);
        assertThat(restarted.refusal()).isNotNull();

        DailySpend tomorrow = new DailySpend(dir, 1000L, null, null, Clock.fixed(Instant.parse("2026-12-01T00:00:01Z"), ZoneOffset.UTC));
        assertThat(tomorrow.tokensToday()).isZero();
        assertThat(tomorrow.refusal()).isNull();
    }

    @Test
    void aCostCapNeedsPrices() {
        Clock c = Clock.fixed(Instant.parse("2026-11-30T10:00:00Z"), ZoneOffset.UTC);
        DailySpend d = new DailySpend(dir, null, 0.01, new LlmPrices(1.0, 2.0), c); // 1.0 per 1k in, 2.0 per 1k out
        d.spent(5, 2); // 0.005 + 0.004
        assertThat(d.refusal()).isNull();
        d.spent(1, 0);
        assertThat(d.refusal()).contains("daily-max-cost");
    }
}
