package lantern.explainer.explain;

import lantern.api.ActivationRecord;
import lantern.llm.LlmUsage;

import java.util.List;
import java.util.Set;

/**
 * The statistical explainer for a Chinese corpus: the hypotheses a poem offers ({@link ChineseHypotheses}: characters
 * and character sets, line position and rhyme position, form, dynasty, the preceding character), chosen by the same
 * cross-validated search as for English ({@link HypothesisSearch}), phrased in Chinese with the English beside it
 * ({@link ChinesePhrases}). Its name is {@code statistical}: the statistical simulator applies its rules as any other.
 */
public final class ChineseStatisticalExplainer implements Explainer {
    @Override
    public String name() {
        return StatisticalExplainer.NAME;
    }

    @Override
    public Explanation explain(RecordSplit split) {
        List<ActivationRecord> records = split.explain();
        HypothesisSearch.Choice c = new HypothesisSearch(ChineseHypotheses.families()).search(records);
        Rule rule;
        double fit;
        if (c == null) {  // nothing varies with the activation: the strongest character
            ActivationRecord top = records.get(0);
            rule = Rule.tokens(Set.of(top.tokens().get(top.argMax())));
            fit = Double.NaN;
        } else {
            rule = c.rule();
            fit = c.fit();
        }
        return new Explanation(ChinesePhrases.phrase(rule, records).text(), StatisticalExplainer.NAME, rule, fit, LlmUsage.NONE);
    }
}
