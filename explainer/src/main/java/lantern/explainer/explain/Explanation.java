package lantern.explainer.explain;

import lantern.llm.LlmUsage;

/**
 * One explanation of a feature.
 *
 * @param text      the sentence shown to people
 * @param explainer which explainer wrote it ("statistical", "llm:{model}")
 * @param rule      the hypothesis behind a statistical explanation; null for LLM explanations
 * @param fit       how well the rule fit the explain set (Pearson of "rule fires" vs activation); NaN for LLM ones
 * @param usage     tokens spent writing it; {@link LlmUsage#NONE} when no LLM was called
 */
public record Explanation(String text, String explainer, Rule rule, double fit, LlmUsage usage) {
    public Explanation {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("explanation text is empty");
        if (usage == null) usage = LlmUsage.NONE;
    }

    public static Explanation ofText(String text, String explainer) {
        return new Explanation(text, explainer, null, Double.NaN, LlmUsage.NONE);
    }
}
