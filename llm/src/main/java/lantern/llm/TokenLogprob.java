package lantern.llm;

import java.util.Map;

/** One generated token with its log-probability and the top alternatives at that position (token → logprob). */
public record TokenLogprob(String token, double logprob, Map<String, Double> top) {
    public TokenLogprob {
        top = Map.copyOf(top);
    }
}
