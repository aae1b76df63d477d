package lantern.service;

import lantern.core.ExplanationService;
import com.github.tomakehurst.wiremock.WireMockServer;
import lantern.api.audit.AuditBudget;
import lantern.eval.audit.AuditJobs;
import lantern.api.audit.AuditRequest;
import lantern.api.audit.AuditStatus;
import lantern.eval.audit.FeatureResult;
import lantern.api.audit.FeatureSelection;
import lantern.api.audit.FeatureSpace;
import lantern.eval.audit.FeatureTask;
import lantern.api.audit.JobState;
import lantern.eval.audit.LlmPrices;
import lantern.api.FeatureRecords;
import lantern.llm.LlmSettings;
import lantern.collect.testing.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An LLM audit under a token budget against WireMock speaking the OpenAI API, every reply reporting exactly 120 input
 * and 7 output tokens: it stops at the cap as budget-exhausted, resumes with a higher one without redoing anything,
 * and what it says it spent is what WireMock's request log says was asked.
 */
class AuditBudgetLlmTest {
    static final int IN = 120, OUT = 7;

    @TempDir
    Path data;

    static final FeatureSpace SPACE = new FeatureSpace() {
        @Override
        public int layers(String model) {
            return 1;
        }

        @Override
        public int width(String model, int layer, String kind) {
            return 10;
        }
    };

    private static String chat(String content) {
        return "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"stub-model\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":" + IN + ",\"completion_tokens\":" + OUT + ",\"total_tokens\":" + (IN + OUT) + "}}";
    }

    static AuditRequest request(int features, AuditBudget budget) {
        return new AuditRequest("toy", List.of(0), "mlp", new FeatureSelection.Range(0, features - 1), "llm", "llm-json", 1,
                List.of(), false, budget);
    }

    @Test
    void stopsAtTheCapResumesWithAHigherOneAndCountsWhatWasAsked() throws Exception {
        WireMockServer server = new WireMockServer(options().dynamicPort());
        server.start();
        try {
            server.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("Neuron 1"))
                    .willReturn(okJson(chat("{\\\"explanation\\\": \\\"plural nouns\\\"}"))));
            server.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("\\\"fires\\\""))
                    .willReturn(okJson(chat("{\\\"fires\\\": [true,true,true,true,true,true,true,true,true,true]}"))));
            server.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("activations"))
                    .willReturn(okJson(chat("{\\\"activations\\\": [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1]}"))));
            LlmSettings s = LlmSettings.openAi(server.baseUrl() + "/v1", "k", "stub-model").withMaxRetries(0).withTimeout(Duration.ofSeconds(5));
            var explanations = new ExplanationService(data.resolve("x"), Optional.of(s), null);
            FeatureRecords records = Records.build("ca01", "cb02", 40, 20, (w, i) -> w.get(i).tag().equals("NNS") ? 3f : 0f);
            FeatureTask task = (r, f) -> {
                var e = explanations.explain(records, r.explainer(), r.simulator());
                return new FeatureResult(e.text(), e.explainer(), e.scores().simulation(), null, null, null, 3, List.of(),
                        e.usage().inputTokens(), e.usage().outputTokens());
            };
            LlmPrices prices = new LlmPrices(0.5, 2.0); // per 1k input / output tokens
            try (AuditJobs jobs = new AuditJobs(data.resolve("audits"), SPACE, task, prices, null)) {
                // one feature without a cap: what a feature costs here
                String probe = jobs.submit(request(1, AuditBudget.NONE));
                assertThat(jobs.awaitFinished(probe, Duration.ofSeconds(60))).isTrue();
                int perFeatureCalls = server.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).size();
                long perFeature = (long) perFeatureCalls * (IN + OUT);
                assertThat(jobs.status(probe).spent().tokens()).isEqualTo(perFeature).isPositive();
                // the dry run foresaw those calls, and prompt sizes near what was sent
                var est = AuditEstimator.estimate(request(1, AuditBudget.NONE), List.of("toy/0/mlp/0"), f -> records, prices);
                assertThat(est.callsPerFeature()).isEqualTo(perFeatureCalls);
                long sentChars = server.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).stream()
                        .mapToLong(r -> r.getBodyAsString().length()).sum();
                System.out.println("dry run: " + est.inputTokens() + " input tokens estimated; request bodies " + sentChars + " chars");
                assertThat(est.inputTokens()).isBetween(sentChars / 4 / 3, sentChars / 4);
                server.resetRequests();

                // a cap of 2.5 features: two run, the third would pass it, so the audit stops
                long cap = perFeature * 5 / 2;
                String id = jobs.submit(request(4, new AuditBudget(cap, null)));
                assertThat(jobs.awaitFinished(id, Duration.ofSeconds(60))).isTrue();
                AuditStatus st = jobs.status(id);
                int asked = server.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).size();
                assertThat(st.state()).isEqualTo(JobState.BUDGET_EXHAUSTED);
                assertThat(st.state().json()).isEqualTo("budget-exhausted");
                assertThat(st.error()).contains("token budget reached").contains(String.valueOf(cap));
                assertThat(st.done()).isEqualTo(2);
                assertThat(st.spent().inputTokens()).isEqualTo((long) asked * IN);
                assertThat(st.spent().outputTokens()).isEqualTo((long) asked * OUT);
                assertThat(st.spent().tokens()).isLessThanOrEqualTo(cap).isEqualTo(2 * perFeature);
                assertThat(st.spent().cost()).isCloseTo(asked * (IN * 0.5 + OUT * 2.0) / 1000, org.assertj.core.data.Offset.offset(1e-9));

                // resumed with a higher cap: the other two run, nothing is redone
                jobs.resume(id, new AuditBudget(cap * 10, null));
                assertThat(jobs.awaitFinished(id, Duration.ofSeconds(60))).isTrue();
                st = jobs.status(id);
                int askedAll = server.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).size();
                assertThat(st.state()).isEqualTo(JobState.DONE);
                assertThat(st.done()).isEqualTo(4);
                assertThat(askedAll).isEqualTo(4 * perFeatureCalls);
                assertThat(st.spent().tokens()).isEqualTo((long) askedAll * (IN + OUT));
                assertThat(jobs.results(id).entries()).extracting(e -> e.feature()).doesNotHaveDuplicates().hasSize(4);
                assertThat(st.spent().budget().maxTokens()).isEqualTo(cap * 10);
            }
            // a restart reads the spend back from the log
            try (AuditJobs again = new AuditJobs(data.resolve("audits"), SPACE, task, prices, null)) {
                assertThat(again.list()).allSatisfy(a -> assertThat(a.spent().tokens()).isPositive());
            }
        } finally {
            server.stop();
        }
    }
}
