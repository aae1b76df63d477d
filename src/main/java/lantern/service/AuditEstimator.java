package lantern.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import lantern.api.audit.AuditRequest;
import lantern.api.audit.FeatureSpace;
import lantern.eval.audit.LlmPrices;
import lantern.api.ActivationRecord;
import lantern.api.FeatureId;
import lantern.api.FeatureRecords;
import lantern.explainer.explain.RecordSplit;
import lantern.explainer.explain.RecordSplitter;
import lantern.explainer.explain.WindowText;
import lantern.llm.Prompts;

import java.util.List;
import java.util.Map;

/**
 * {@code "dryRun": true}: what an audit would ask of the LLM before it starts. Calls per feature follow the pipeline
 * (one explainer call; one simulation call per scoring window; one detection call per 10 scoring windows); input
 * tokens are the rendered prompts of up to {@value #SAMPLE} of its features that have collected records, at ~4
 * characters a token; output tokens are the answers' expected sizes. An estimate: the provider's counts decide.
 */
@ApplicationScoped
public class AuditEstimator {
    static final int SAMPLE = 3;
    static final double CHARS_PER_TOKEN = 4.0;
    static final int DETECT_BATCH = 10;

    @Inject
    AuditService audits;
    @Inject
    FeatureSpace space;
    @Inject
    FeatureRecordsService records;

    public record Estimate(boolean dryRun, int features, boolean usesLlm, int sampledFeatures, long callsPerFeature,
                           long calls, long inputTokens, long outputTokens, long tokens, Double cost,
                           Long budgetMaxTokens, Double budgetMaxCost, Integer featuresWithinBudget, String note) {
    }

    public Estimate estimate(AuditRequest request) {
        audits.checkNames(request);
        return estimate(request, request.resolve(space), f -> records.load(FeatureId.parse(f)).orElse(null), audits.prices());
    }

    /** The estimate for these features; {@code load} gives a feature's records (null when not collected). */
    static Estimate estimate(AuditRequest request, List<String> features, java.util.function.Function<String, FeatureRecords> load,
                             LlmPrices prices) {
        boolean llmExplainer = request.explainer().equals("llm");
        boolean llmSimulator = request.simulator().startsWith("llm");
        var budget = request.budget();
        if (!llmExplainer && !llmSimulator) {
            return new Estimate(true, features.size(), false, 0, 0, 0, 0, 0, 0, 0.0, budget.maxTokens(), budget.maxCost(),
                    features.size(), "the statistical explainer and simulator make no LLM calls");
        }
        long calls = 0, in = 0, out = 0;
        int sampled = 0;
        for (String f : features) {
            if (sampled == SAMPLE) break;
            FeatureRecords r = load.apply(f);
            if (r == null || r.stats().max() <= 0) continue;
            RecordSplit split = (request.windows() == null ? RecordSplitter.defaults()
                    : RecordSplitter.scoring(request.windows())).split(r);
            sampled++;
            if (llmExplainer) {
                calls++;
                in += tokens(Prompts.template("explain-system") + Prompts.render("explain-user", Map.of("feature", "1",
                        "records", lantern.explainer.explain.LlmExplainer.records(split), "output_side", "", "answer_format", "Answer with JSON only, of the form {\"explanation\": \"<one short phrase>\"}.")));
                out += 30;
            }
            if (llmSimulator) {
                String explanation = "x".repeat(80); // a typical explanation's length
                for (ActivationRecord w : split.scoring()) {
                    calls++;
                    StringBuilder t = new StringBuilder();
                    for (int i = 0; i < w.size(); i++) t.append(i).append('\t').append(Prompts.showToken(w.tokens().get(i))).append('\n');
                    in += tokens(Prompts.template("simulate-system") + Prompts.render("simulate-json-user",
                            Map.of("explanation", explanation, "n", Integer.toString(w.size()), "tokens", t.toString())));
                    out += 2L * w.size() + 8;
                }
                List<ActivationRecord> scoring = split.scoring();
                for (int from = 0; from < scoring.size(); from += DETECT_BATCH) {
                    calls++;
                    StringBuilder texts = new StringBuilder();
                    for (ActivationRecord w : scoring.subList(from, Math.min(scoring.size(), from + DETECT_BATCH))) {
                        texts.append("0: \"").append(WindowText.of(w)).append("\"\n");
                    }
                    in += tokens(Prompts.template("detect-system") + Prompts.render("detect-user",
                            Map.of("explanation", explanation, "n", "10", "texts", texts.toString())));
                    out += 30;
                }
            }
        }
        if (sampled == 0) {
            return new Estimate(true, features.size(), true, 0, 0, 0, 0, 0, 0, null, budget.maxTokens(), budget.maxCost(), null,
                    "none of these features has collected records yet, so prompt sizes are unknown: collect first (lantern collect)");
        }
        long perCalls = Math.round((double) calls / sampled);
        long inAll = Math.round((double) in / sampled * features.size()), outAll = Math.round((double) out / sampled * features.size());
        Double cost = prices == null ? null : prices.cost(inAll, outAll);
        double perFeatureTokens = (double) (in + out) / sampled;
        Integer within = budget.maxTokens() == null ? null : (int) Math.min(features.size(), Math.floor(budget.maxTokens() / perFeatureTokens));
        if (budget.maxCost() != null && prices != null) {
            int byCost = (int) Math.min(features.size(), Math.floor(budget.maxCost() / prices.cost(in / sampled, out / sampled)));
            within = within == null ? byCost : Math.min(within, byCost);
        }
        return new Estimate(true, features.size(), true, sampled, perCalls, perCalls * features.size(), inAll, outAll,
                inAll + outAll, cost, budget.maxTokens(), budget.maxCost(), within,
                "input tokens from the rendered prompts of " + sampled + " sampled features at ~4 characters a token; "
                        + "output tokens from the answers' expected sizes");
    }

    private static long tokens(String s) {
        return (long) Math.ceil(s.length() / CHARS_PER_TOKEN);
    }

}
