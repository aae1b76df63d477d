package lantern.eval.score;

import com.github.tomakehurst.wiremock.WireMockServer;
import lantern.api.FeatureRecords;
import lantern.explainer.explain.Explanation;
import lantern.explainer.explain.RecordSplit;
import lantern.explainer.explain.RecordSplitter;
import lantern.explainer.explain.Rule;
import lantern.llm.LlmClient;
import lantern.llm.LlmSettings;
import lantern.collect.testing.Records;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FuzzingIntruderTest {
    private static final FeatureRecords NNS = Records.build("ca01", "cb02", 40, 20,
            (w, i) -> w.get(i).tag().equals("NNS") ? 2f + w.get(i).token().length() % 3 : 0f);
    private static final RecordSplit SPLIT = RecordSplitter.defaults().split(NNS);

    private static Explanation rule(Rule r) {
        return new Explanation("x", "statistical", r, 1, null);
    }

    @Test
    void theRightRuleTellsTrueHighlightsAndIntrudersApartAndAWrongOneDoesNot() {
        var right = new FuzzingScorer().score(rule(Rule.tag("NNS")), SPLIT, new FuzzingScorer.Statistical()).score();
        var wrong = new FuzzingScorer().score(rule(Rule.tokens(Set.of("the"))), SPLIT, new FuzzingScorer.Statistical()).score();
        assertThat(right.nExamples()).isEqualTo(2 * SPLIT.heldOutTop().size());
        assertThat(right.balancedAccuracy()).isEqualTo(1.0);
        assertThat(wrong.balancedAccuracy()).isLessThan(0.6);
        assertThat(right.ci95().n()).isEqualTo(right.nExamples());

        var in = new IntruderScorer().score(rule(Rule.tag("NNS")), SPLIT, new IntruderScorer.Statistical()).score();
        var out = new IntruderScorer().score(rule(Rule.tokens(Set.of("zebra"))), SPLIT, new IntruderScorer.Statistical()).score();
        assertThat(in.nGroups()).isPositive();
        assertThat(in.accuracy()).isGreaterThanOrEqualTo(0.8);
        // 'zebra' occurs in none of the windows: the rule cannot point at an intruder, so there is no score
        assertThat(out.accuracy()).isNaN();
        assertThat(out.reason()).isNotNull();
        assertThat(in.ci95().lo()).isLessThanOrEqualTo(in.accuracy());
    }

    @Test
    void fuzzedHighlightsAreAsManyAsTheTrueOnesAndSeeded() {
        List<FuzzingScorer.Example> a = FuzzingScorer.examples(SPLIT), b = FuzzingScorer.examples(SPLIT);
        for (int i = 0; i < a.size(); i += 2) {
            int t = 0, f = 0;
            for (boolean x : a.get(i).marked()) if (x) t++;
            for (boolean x : a.get(i + 1).marked()) if (x) f++;
            assertThat(f).isEqualTo(t);
            assertThat(a.get(i + 1).marked()).isEqualTo(b.get(i + 1).marked());
        }
        assertThatThrownBy(() -> new FuzzingScorer().score(Explanation.ofText("x", "llm"), SPLIT, new FuzzingScorer.Statistical()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static String chat(String content) {
        return "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"stub-model\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":120,\"completion_tokens\":7,\"total_tokens\":127}}";
    }

    @Test
    void llmJudgesSendMarkedTextsAndReadStrictAnswers() {
        WireMockServer server = new WireMockServer(options().dynamicPort());
        server.start();
        try {
            server.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("\\\"correct\\\""))
                    .willReturn(okJson(chat("{\\\"correct\\\": [true,false,true,false,true,false,true,false,true,false]}"))));
            server.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("\\\"intruder\\\""))
                    .willReturn(okJson(chat("{\\\"intruder\\\": 7}"))));
            LlmClient client = LlmClient.create(LlmSettings.openAi(server.baseUrl() + "/v1", "k", "stub-model")
                    .withMaxRetries(0).withTimeout(Duration.ofSeconds(10)));
            Explanation e = Explanation.ofText("plural nouns", "llm:stub-model");
            var fuzz = new FuzzingScorer().score(e, SPLIT, new LlmJudges.Fuzzing(client));
            // examples alternate true highlight, fuzzed highlight: the stub's answers are all right
            assertThat(fuzz.score().balancedAccuracy()).isEqualTo(1.0);
            assertThat(fuzz.score().judge()).isEqualTo("llm:stub-model");
            assertThat(fuzz.usage().calls()).isEqualTo((fuzz.score().nExamples() + 9) / 10);
            String body = server.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).getFirst().getBodyAsString();
            assertThat(body).contains("[[");

            // 7 is outside 0..3: every group's answer is rejected and counted as failed, never guessed
            var intr = new IntruderScorer().score(e, SPLIT, new LlmJudges.Intruder(client));
            assertThat(intr.score().nFailed()).isEqualTo(intr.score().nGroups());
            assertThat(intr.score().accuracy()).isNaN();
            assertThat(intr.score().reason()).startsWith("the judge answered none of " + intr.score().nGroups() + " groups");
            assertThat(intr.usage().failedCalls()).isEqualTo(intr.score().nGroups());
        } finally {
            server.stop();
        }
    }
}
