package lantern.eval.audit;

import lantern.api.audit.FeatureSpace;
import lantern.api.audit.AuditBudget;
import lantern.api.audit.JobState;
import lantern.api.audit.FeatureSelection;
import lantern.api.audit.AuditStatus;
import lantern.api.audit.AuditRequest;
import lantern.errors.InvalidInputException;
import lantern.errors.ConflictException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Budgets in the engine: the cap, the service-wide guard, resuming, and what job.json keeps. */
class AuditBudgetTest {
    static final FeatureSpace SPACE = new FixedFeatureSpace("toy", 2, 20);

    @TempDir
    Path dir;

    /** Every feature "spends" 100 input and 20 output tokens. */
    static final FeatureTask TASK = (r, f) -> new FeatureResult("x", r.explainer(), 0.5, null, null, null, 1, List.of(), 100L, 20L);

    static AuditRequest request(int n, AuditBudget b, int concurrency) {
        return new AuditRequest("toy", List.of(0), "mlp", new FeatureSelection.Range(0, n - 1), "llm", "llm-json", concurrency,
                List.of(), false, b);
    }

    @Test
    void stopsWithinTheCapAndKeepsItInJobJson() throws Exception {
        try (AuditJobs jobs = new AuditJobs(dir, SPACE, TASK)) {
            String id = jobs.submit(request(10, new AuditBudget(500L, null), 1));
            assertThat(jobs.awaitFinished(id, Duration.ofSeconds(20))).isTrue();
            AuditStatus s = jobs.status(id);
            assertThat(s.state()).isEqualTo(JobState.BUDGET_EXHAUSTED);
            assertThat(s.done()).isEqualTo(4); // 4 × 120 = 480 ≤ 500; a fifth would make 600
            assertThat(s.spent().tokens()).isEqualTo(480);
            assertThat(s.spent().cost()).isNull(); // no prices
            assertThatThrownBy(() -> jobs.resume(id, new AuditBudget(480L, null))).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("spent 480");
        }
        try (AuditJobs again = new AuditJobs(dir, SPACE, TASK)) { // a restart neither resumes nor forgets it
            assertThat(again.resumeUnfinished()).isEmpty();
            AuditStatus s = again.list().getFirst();
            assertThat(s.state()).isEqualTo(JobState.BUDGET_EXHAUSTED);
            assertThat(s.spent().budget().maxTokens()).isEqualTo(500L);
            again.resume(s.id(), new AuditBudget(null, null));
            assertThat(again.awaitFinished(s.id(), Duration.ofSeconds(20))).isTrue();
            assertThat(again.status(s.id()).state()).isEqualTo(JobState.DONE);
            assertThat(again.status(s.id()).done()).isEqualTo(10);
            assertThat(again.status(s.id()).spent().tokens()).isEqualTo(1200);
            assertThatThrownBy(() -> again.resume(s.id(), new AuditBudget(5000L, null))).isInstanceOf(ConflictException.class)
                    .hasMessageContaining("only a budget-exhausted audit");
        }
    }

    @Test
    void moneyNeedsPricesAndCapsLikeTokens() throws Exception {
        try (AuditJobs noPrices = new AuditJobs(dir.resolve("a"), SPACE, TASK)) {
            assertThatThrownBy(() -> noPrices.submit(request(3, new AuditBudget(null, 1.0), 1)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("lantern.budget.price-per-1k-input-tokens");
        }
        // 100 in at 1.0/1k + 20 out at 5.0/1k = 0.2 a feature; a cap of 0.7 lets three run
        try (AuditJobs jobs = new AuditJobs(dir.resolve("b"), SPACE, TASK, new LlmPrices(1.0, 5.0), null)) {
            String id = jobs.submit(request(10, new AuditBudget(null, 0.7), 1));
            assertThat(jobs.awaitFinished(id, Duration.ofSeconds(20))).isTrue();
            AuditStatus s = jobs.status(id);
            assertThat(s.state()).isEqualTo(JobState.BUDGET_EXHAUSTED);
            assertThat(s.done()).isEqualTo(3);
            assertThat(s.spent().cost()).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(s.error()).contains("cost budget reached");
        }
    }

    @Test
    void aServiceWideGuardStopsEveryAudit() throws Exception {
        AtomicLong today = new AtomicLong();
        SpendGuard daily = new SpendGuard() {
            @Override
            public String refusal() {
                return today.get() >= 600 ? "daily cap of 600 tokens reached" : null;
            }

            @Override
            public void spent(long in, long out) {
                today.addAndGet(in + out);
            }
        };
        try (AuditJobs jobs = new AuditJobs(dir, SPACE, TASK, null, daily)) {
            String a = jobs.submit(request(3, AuditBudget.NONE, 1));
            assertThat(jobs.awaitFinished(a, Duration.ofSeconds(20))).isTrue();
            assertThat(jobs.status(a).state()).isEqualTo(JobState.DONE);
            String b = jobs.submit(request(10, AuditBudget.NONE, 1));
            assertThat(jobs.awaitFinished(b, Duration.ofSeconds(20))).isTrue();
            assertThat(jobs.status(b).state()).isEqualTo(JobState.BUDGET_EXHAUSTED);
            assertThat(jobs.status(b).done()).isEqualTo(2); // 360 + 2 × 120 = 600
            assertThat(jobs.status(b).error()).contains("daily cap");
            assertThat(today.get()).isEqualTo(600);
        }
    }

    @Test
    void concurrentWorkersDoNotRunPastTheCapByMoreThanTheirOwnFeatures() throws Exception {
        try (AuditJobs jobs = new AuditJobs(dir, SPACE, TASK)) {
            String id = jobs.submit(request(20, new AuditBudget(1000L, null), 4));
            assertThat(jobs.awaitFinished(id, Duration.ofSeconds(20))).isTrue();
            assertThat(jobs.status(id).spent().tokens()).isLessThanOrEqualTo(1000 + 3 * 120);
            assertThat(jobs.status(id).state()).isEqualTo(JobState.BUDGET_EXHAUSTED);
        }
    }
}
