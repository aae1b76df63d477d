package lantern.service;

import lantern.core.ExplanationScores;
import lantern.core.ExplanationStore;
import lantern.core.ExplanationResult;
import lantern.core.ExplanationService;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import lantern.eval.score.OnnxMiniLm;
import lantern.api.FeatureRecords;
import lantern.explainer.explain.RecordSplitter;
import lantern.explainer.explain.Rule;
import lantern.llm.LlmNotConfiguredException;
import lantern.llm.LlmSettings;
import lantern.collect.testing.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExplanationServiceTest {
    @TempDir
    Path data;

    private static FeatureRecords nnsFeature() {
        return Records.build("ca01", "cb02", 40, 20, (w, i) -> w.get(i).tag().equals("NNS") ? 3f : 0f);
    }

    @Test
    void statisticalExplanationIsScoredStoredAndListedNewestFirst() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);
        var service = new ExplanationService(data, Optional.empty(), OnnxMiniLm.get(), "minilm-l6", RecordSplitter.defaults(), clock);
        FeatureRecords fr = nnsFeature();
        ExplanationResult r = service.explain(fr, "statistical", null);

        assertThat(r.feature()).isEqualTo("test/0/mlp/1");
        assertThat(r.text()).startsWith("plural nouns (Brown tag NNS)");
        assertThat(r.rule()).isEqualTo(Rule.tag("NNS"));
        assertThat(r.scores().simulation()).isEqualTo(1.0);
        assertThat(r.scores().simulator()).isEqualTo("statistical");
        assertThat(r.scores().detection()).isEqualTo(1.0);
        assertThat(r.scores().embedding()).isNotNull();
        assertThat(r.scores().nHeldOutTop()).isEqualTo(20);
        assertThat(r.scores().nRandom()).isEqualTo(20);
        assertThat(r.createdAt()).isEqualTo("2025-01-02T03:04:05Z");

        JsonNode json = new ObjectMapper().valueToTree(r);
        assertThat(json.at("/scores/simulation/value").asDouble()).isEqualTo(1.0);
        // a perfect rule fits every resample: the bootstrap interval is [1, 1]; the embedding AUC's is a real one
        assertThat(json.at("/scores/simulation/ci95/0").asDouble()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(json.at("/scores/simulation/n").asInt()).isEqualTo(40);
        assertThat(json.at("/scores/embedding/ci95").size()).isEqualTo(2);
        assertThat(json.at("/scores/embedding/ci95/0").asDouble()).isLessThanOrEqualTo(json.at("/scores/embedding/value").asDouble());
        assertThat(r.scores().intervals().embedding().hi()).isGreaterThanOrEqualTo(r.scores().embedding());
        assertThat(json.at("/scores/nHeldOutTop").asInt()).isEqualTo(20);
        assertThat(json.at("/usage/calls").asInt()).isZero();

        var later = new ExplanationService(data, Optional.empty(), null, "minilm-l6", RecordSplitter.defaults(),
                Clock.fixed(Instant.parse("2025-02-01T00:00:00Z"), ZoneOffset.UTC));
        later.explain(fr, "statistical", "statistical");
        var history = later.history(fr.id());
        assertThat(history).extracting(ExplanationResult::createdAt).containsExactly("2025-02-01T00:00:00Z", "2025-01-02T03:04:05Z");
        assertThat(history.get(1)).isEqualTo(r);
        assertThat(later.latest(fr.id()).orElseThrow().scores().embedding()).isNull();
        try (var files = Files.list(data.resolve("explanations/test/0/mlp"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("1.json");
        }
    }

    @Test
    void historiesStoredBeforeTheCausalScoreStillLoadAndNewOnesKeepIt() throws Exception {
        var store = new ExplanationStore(data);
        var id = lantern.api.FeatureId.parse("minilm-l6/3/sae-resid_post-k32/77");
        Files.createDirectories(store.file(id).getParent());
        Files.writeString(store.file(id), """
                [ {
                  "feature" : "minilm-l6/3/sae-resid_post-k32/77",
                  "text" : "tokens right after 'action'",
                  "explainer" : "statistical",
                  "scores" : {
                    "simulation" : 0.16017299273861804, "simulator" : "statistical",
                    "detection" : 0.6538461538461539, "detector" : "statistical",
                    "embedding" : 0.4807692307692308, "embedder" : "minilm-l6",
                    "nHeldOutTop" : 10, "nRandom" : 18, "nFailed" : 0
                  },
                  "createdAt" : "2026-11-28T20:10:32.192004937Z",
                  "usage" : { "calls" : 0, "failedCalls" : 0, "retries" : 0, "inputTokens" : 0, "outputTokens" : 0 },
                  "rule" : { "kind" : "PRECEDED_BY", "values" : [ "action" ] }
                } ]""");
        ExplanationResult old = store.list(id).getFirst();
        assertThat(old.scores().causal()).isNull();
        assertThat(old.scores().simulation()).isEqualTo(0.16017299273861804);

        var causal = new ExplanationScores.Causal(0.6, 4.0, 2e-4, 5e-5, 16, 16, "clamp minilm-l6/3/sae-resid_post-k32/77 to 0.0");
        var s = old.scores();
        var fresh = new ExplanationResult(old.feature(), old.text(), old.explainer(), new ExplanationScores(s.simulation(),
                s.simulator(), s.detection(), s.detector(), s.embedding(), s.embedder(), causal, s.nHeldOutTop(), s.nRandom(),
                s.nFailed()), "2026-11-29T00:00:00Z", old.usage(), old.rule());
        store.append(id, fresh);
        assertThat(store.list(id)).containsExactly(fresh, old);
        assertThat(Files.readString(store.file(id))).contains("\"causal\" : null").contains("\"topEffect\" : 2.0E-4");
    }

    @Test
    void aCallMayAskForFewerOrMoreScoringWindowsBoundedByWhatTheRecordsHold() {
        var service = new ExplanationService(data, Optional.empty(), null);
        FeatureRecords fr = nnsFeature(); // 40 top windows, 20 random
        ExplanationResult few = service.explain(fr, "statistical", null, null, 5);
        assertThat(few.scores().nHeldOutTop()).isEqualTo(5);
        assertThat(few.scores().nRandom()).isEqualTo(5);
        assertThat(few.scores().intervals().simulation().n()).isEqualTo(10);
        // more than the records hold: every top window the explain set leaves, and every random window
        ExplanationResult many = service.explain(fr, "statistical", null, null, 500);
        assertThat(many.scores().nHeldOutTop()).isEqualTo(20);
        assertThat(many.scores().nRandom()).isEqualTo(20);
        assertThat(service.score(fr, "plural nouns", null, 5).scores().nHeldOutTop()).isEqualTo(5);
        assertThatThrownBy(() -> service.explain(fr, "statistical", null, null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("windows must lie in [1, 1000]");
    }

    @Test
    void aGivenExplanationIsScoredOfflineWhereItHasAShapeAndStoredAsTheUsers() {
        var service = new ExplanationService(data, Optional.empty(), OnnxMiniLm.get());
        FeatureRecords fr = nnsFeature();
        ExplanationResult right = service.score(fr, "plural nouns", null);
        assertThat(right.explainer()).isEqualTo(ExplanationService.USER);
        assertThat(right.rule()).isEqualTo(Rule.tag("NNS"));
        assertThat(right.scores().simulation()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(right.scores().embedding()).isNotNull();
        ExplanationResult wrong = service.score(fr, "the tokens 'the', 'of'", "statistical");
        assertThat(wrong.scores().simulation()).isLessThan(0.3);
        assertThat(service.history(fr.id())).extracting(ExplanationResult::text).startsWith("the tokens 'the', 'of'", "plural nouns");
        assertThatThrownBy(() -> service.score(fr, "something about moods", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("llm-json");
        assertThatThrownBy(() -> service.score(fr, "anything", "llm-json")).isInstanceOf(LlmNotConfiguredException.class);
    }

    @Test
    void llmPathsWithoutAnLlmNameTheSettingsToSet() {
        var service = new ExplanationService(data, Optional.empty(), null);
        assertThatThrownBy(() -> service.explain(nnsFeature(), "llm", null))
                .isInstanceOf(LlmNotConfiguredException.class)
                .hasMessageContaining("lantern.llm.base-url").hasMessageContaining("lantern.llm.model")
                .hasMessageContaining("lantern.llm.api-key").hasMessageContaining("lantern.llm.provider");
        assertThatThrownBy(() -> service.explain(nnsFeature(), "gpt", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown explainer");
        assertThatThrownBy(() -> LlmSettings.fromConfig(k -> Optional.ofNullable(Map.of("lantern.llm.base-url", "http://x").get(k))))
                .isInstanceOf(LlmNotConfiguredException.class).hasMessageContaining("lantern.llm.model");
        assertThat(LlmSettings.fromConfig(k -> Optional.empty())).isEmpty();
    }

    @Test
    void llmExplainSimulateDetectWithAFailedCallThatLosesNothingElse() {
        WireMockServer server = new WireMockServer(options().dynamicPort());
        server.start();
        try {
            // explanation
            server.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("Neuron 1"))
                    .willReturn(okJson(chat("{\\\"explanation\\\": \\\"plural nouns\\\"}"))));
            // detection: all windows said to fire, in batches of 10
            server.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("\\\"fires\\\""))
                    .willReturn(okJson(chat("{\\\"fires\\\": [true,true,true,true,true,true,true,true,true,true]}"))));
            // simulation: a 500 for every window holding the word 'jury', 16 zeros otherwise
            server.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("activations"))
                    .willReturn(okJson(chat("{\\\"activations\\\": [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1]}"))));
            // fuzzing: every highlight judged right; intruder: always the first window
            server.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("\\\"correct\\\""))
                    .willReturn(okJson(chat("{\\\"correct\\\": [true,true,true,true,true,true,true,true,true,true]}"))));
            server.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("\\\"intruder\\\""))
                    .willReturn(okJson(chat("{\\\"intruder\\\": 0}"))));
            server.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("\\tjury\\n"))
                    .atPriority(1).willReturn(aResponse().withStatus(500)));

            LlmSettings s = LlmSettings.openAi(server.baseUrl() + "/v1", "k", "stub-model").withMaxRetries(0).withTimeout(Duration.ofSeconds(5));
            var service = new ExplanationService(data, Optional.of(s), null).llmJudges(true);
            ExplanationResult r = service.explain(nnsFeature(), "llm", "llm-json");
            assertThat(r.text()).isEqualTo("plural nouns");
            assertThat(r.explainer()).isEqualTo("llm:stub-model");
            assertThat(r.scores().simulator()).isEqualTo("llm-json:stub-model");
            assertThat(r.scores().nFailed()).isPositive();
            assertThat(r.scores().nHeldOutTop() + r.scores().nRandom() + r.scores().nFailed()).isEqualTo(40);
            // each failed window's reason is kept, with how many windows it cost
            assertThat(r.scores().simulationFailures()).hasSize(1);
            assertThat(r.scores().simulationFailures().keySet().iterator().next()).startsWith("HTTP 500");
            assertThat(r.scores().simulationFailures().values().iterator().next()).isEqualTo(r.scores().nFailed());
            assertThat(r.scores().detectionFailures()).isEmpty();
            assertThat(r.scores().allSimulationsFailed()).isFalse();
            assertThat(service.history(nnsFeature().id()).getFirst().scores().simulationFailures()).isEqualTo(r.scores().simulationFailures());
            assertThat(r.scores().detection()).isEqualTo(0.5); // always "yes": balanced accuracy one half
            int fuzzCalls = server.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("\\\"correct\\\""))).size();
            int intruderCalls = server.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("\\\"intruder\\\""))).size();
            assertThat(fuzzCalls).isPositive();
            assertThat(intruderCalls).isPositive();
            assertThat(r.scores().fuzzing()).isEqualTo(0.5); // always "right": balanced accuracy one half
            assertThat(r.scores().intruder()).isBetween(0.0, 1.0);
            long calls = 1 + 40 + 4 + fuzzCalls + intruderCalls;
            assertThat(r.usage().calls()).isEqualTo(calls);
            assertThat(r.usage().failedCalls()).isEqualTo(r.scores().nFailed());
            // failed calls report no tokens
            assertThat(r.usage().inputTokens()).isEqualTo((calls - r.usage().failedCalls()) * 120);
        } finally {
            server.stop();
        }
    }

    @Test
    void aGivenFreeTextExplanationIsScoredByAnLlmSimulatorWithoutAnExplainCall() {
        WireMockServer server = new WireMockServer(options().dynamicPort());
        server.start();
        try {
            server.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("\\\"fires\\\""))
                    .willReturn(okJson(chat("{\\\"fires\\\": [true,false,true,false,true,false,true,false,true,false]}"))));
            server.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("activations"))
                    .willReturn(okJson(chat("{\\\"activations\\\": [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1]}"))));
            LlmSettings s = LlmSettings.openAi(server.baseUrl() + "/v1", "k", "stub-model").withMaxRetries(0).withTimeout(Duration.ofSeconds(5));
            var service = new ExplanationService(data, Optional.of(s), null);
            ExplanationResult r = service.score(nnsFeature(), "something about moods", "llm-json", 10);
            assertThat(r.explainer()).isEqualTo(ExplanationService.USER);
            assertThat(r.text()).isEqualTo("something about moods");
            assertThat(r.rule()).isNull();
            assertThat(r.scores().simulator()).isEqualTo("llm-json:stub-model");
            assertThat(r.scores().nHeldOutTop() + r.scores().nRandom()).isEqualTo(20);
            assertThat(r.scores().intervals().simulation().n()).isEqualTo(20);
            assertThat(r.scores().detection()).isNotNull();
            // no explainer call: the explanation was given; 20 windows simulated one by one, detected in batches of 10
            assertThat(server.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("Neuron 1")))).isEmpty();
            assertThat(r.usage().calls()).isEqualTo(20 + 2);
            assertThat(service.history(nnsFeature().id()).getFirst().explainer()).isEqualTo(ExplanationService.USER);
        } finally {
            server.stop();
        }
    }

    private static String chat(String content) {
        return "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"stub-model\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":120,\"completion_tokens\":7,\"total_tokens\":127}}";
    }
}
