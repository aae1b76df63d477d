package lantern.llm;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The LLM client's own rules, without a server: caps read from error texts, retry jitter, reasoning cut. */
class LlmClientRulesTest {
    @Test
    void capsAreReadFromTheWaysServersSayThem() {
        for (var c : Map.of(
                "{\"message\":\"Requested top logprobs of 15, which is greater than max allowed: 5\",\"code\":400}", 5,
                "{\"error\":{\"message\":\"Invalid 'top_logprobs': integer above maximum value. Expected a value <= 20, but got 25 instead.\"}}", 20,
                "top_logprobs must be less than or equal to 10", 10,
                "logprobs: value must be between 0 and 8", 8).entrySet()) {
            assertThat(LlmErrors.topLogprobsCap(new LlmErrors.Http(400, c.getKey()))).as(c.getKey()).contains(c.getValue());
        }
        assertThat(LlmErrors.topLogprobsCap(new LlmErrors.Http(400, "max_tokens must be <= 4096"))).isEmpty();   // not about log-probs
        assertThat(LlmErrors.topLogprobsCap(new LlmErrors.Http(500, "max allowed: 5 logprobs"))).isEmpty();
    }

    @Test
    void retryAfterWaitsGetJitterNeverLess() {
        var seen = new java.util.HashSet<Long>();
        for (int i = 0; i < 50; i++) {
            Duration d = LlmClient.jitter(Duration.ofSeconds(2));
            assertThat(d).isBetween(Duration.ofSeconds(2), Duration.ofMillis(2200));
            seen.add(d.toMillis());
        }
        assertThat(seen.size()).as("spread").isGreaterThan(5);
        assertThat(LlmClient.jitter(Duration.ofHours(1))).isLessThanOrEqualTo(Duration.ofSeconds(132));
    }

    @Test
    void reasoningIsCutOnlyFromTheFront() {
        assertThat(ReasoningText.answer("<think>a {\"x\":1}</think>\n{\"y\":2}")).isEqualTo("{\"y\":2}");
        assertThat(ReasoningText.answer("thinking... </think> {\"y\":2}")).isEqualTo("{\"y\":2}");
        assertThat(ReasoningText.answer("<think>never ends")).isEmpty();
        assertThat(ReasoningText.answer("<|channel|>analysis<|message|>hm<|end|><|start|>assistant<|channel|>final<|message|>{\"y\":2}<|return|>"))
                .isEqualTo("{\"y\":2}");
        assertThat(ReasoningText.answer("{\"y\":2}")).isEqualTo("{\"y\":2}");
    }
}
