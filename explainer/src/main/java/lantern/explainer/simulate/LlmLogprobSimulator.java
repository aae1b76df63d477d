package lantern.explainer.simulate;

import lantern.api.ActivationRecord;
import lantern.explainer.explain.Explanation;
import lantern.llm.LlmClient;
import lantern.llm.LlmReply;
import lantern.llm.LlmRequest;
import lantern.llm.LlmResult;
import lantern.llm.MalformedAnswerException;
import lantern.llm.Prompts;
import lantern.llm.TokenLogprob;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The LLM answers one line per token holding an integer 0..10, with log-probabilities on; each token's
 * prediction is the expected value over the alternatives "0".."10" at the first position of its line (OpenAI's
 * "all at once" simulator computes the same expectation). The answer text must itself be exactly n lines of
 * integers 0..10, else it is rejected. Needs a provider that returns log-probs (OpenAI-compatible servers that
 * implement {@code logprobs}/{@code top_logprobs}). On tokenizers that split "10" into "1","0" the "10" mass is
 * read as 1: the first piece is all the distribution one position carries.
 *
 * <p>A server that returns no log-probs is a capability, not a bad answer: it is asked once, then every window
 * fails with that reason at no cost, or, when {@link lantern.llm.LlmSettings#logprobFallback()} allows,
 * is simulated by {@link LlmJsonSimulator} and marked so ({@link Simulation#simulator()}).
 */
public final class LlmLogprobSimulator implements Simulator {
    private final LlmClient client;
    private final LlmJsonSimulator fallback;

    public LlmLogprobSimulator(LlmClient client) {
        if (!client.supportsLogprobs()) {
            throw new IllegalArgumentException("the llm-logprob simulator needs an OpenAI-compatible provider that returns log-probs; "
                    + client.settings().provider() + " does not: use --simulator llm-json");
        }
        this.client = client;
        this.fallback = client.settings().logprobFallback() ? new LlmJsonSimulator(client) : null;
    }

    @Override
    public String name() {
        return "llm-logprob:" + client.settings().model();
    }

    @Override
    public Simulation simulate(Explanation explanation, ActivationRecord window) {
        LlmRequest req = new LlmRequest(Prompts.template("simulate-system"),
                SimulationPrompt.user("simulate-logprob-user", explanation, window), null, true);
        int n = window.size();
        LlmResult<double[]> r = client.call(req, reply -> parse(reply, n));
        if (r.isOk()) return Simulation.of(r.value(), r.usage());
        if (fallback != null && Boolean.FALSE.equals(client.capabilities().logprobs())) {
            return fallback.simulate(explanation, window).by(fallback.name(), r.usage());
        }
        return Simulation.failed(r.error(), r.usage());
    }

    static double[] parse(LlmReply reply, int n) throws MalformedAnswerException {
        List<String> lines = reply.text().strip().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (lines.size() != n) throw new MalformedAnswerException("expected " + n + " lines but got " + lines.size());
        for (String l : lines) if (scale(l) == null) throw new MalformedAnswerException("not an integer 0..10: " + l);
        if (reply.logprobs().isEmpty()) throw new MalformedAnswerException("the server returned no log-probs (does it support logprobs?)");
        List<Double> values = new ArrayList<>();
        boolean lineStart = true;
        for (TokenLogprob t : reply.logprobs()) {
            String s = t.token() == null ? "" : t.token();
            int first = firstNonSpace(s);
            if (first < 0) {
                if (s.indexOf('\n') >= 0) lineStart = true;
                continue;
            }
            if (s.substring(0, first).indexOf('\n') >= 0) lineStart = true;
            if (lineStart) {
                if (scale(s.strip()) == null) throw new MalformedAnswerException("line does not start with a number: " + s.strip());
                values.add(expected(t));
                lineStart = false;
            }
            if (s.substring(lastNonSpace(s) + 1).indexOf('\n') >= 0) lineStart = true;
        }
        if (values.size() != n) throw new MalformedAnswerException("log-probs cover " + values.size() + " lines, expected " + n);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = values.get(i);
        return out;
    }

    /** Expected value over the alternatives that are integers 0..10, their probabilities renormalized. */
    static double expected(TokenLogprob t) {
        double mass = 0, sum = 0;
        Map<String, Double> alts = new java.util.HashMap<>(t.top());
        alts.putIfAbsent(t.token(), t.logprob());
        for (Map.Entry<String, Double> e : alts.entrySet()) {
            Integer v = scale(e.getKey().strip());
            if (v == null || e.getValue() == null || e.getValue().isNaN()) continue;
            double p = Math.exp(e.getValue());
            mass += p;
            sum += p * v;
        }
        return mass > 0 ? sum / mass : scale(t.token().strip());
    }

    static Integer scale(String s) {
        if (!s.matches("\\d{1,2}")) return null;
        int v = Integer.parseInt(s);
        return v <= 10 ? v : null;
    }

    private static int firstNonSpace(String s) {
        for (int i = 0; i < s.length(); i++) if (!Character.isWhitespace(s.charAt(i))) return i;
        return -1;
    }

    private static int lastNonSpace(String s) {
        for (int i = s.length() - 1; i >= 0; i--) if (!Character.isWhitespace(s.charAt(i))) return i;
        return -1;
    }
}
