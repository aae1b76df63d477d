package lantern.explainer.explain;

import lantern.api.ActivationRecord;
import lantern.corpus.ChineseText;

import java.util.List;

/** The language of a feature's windows, read from their tokens: Chinese when most tokens are Chinese characters. */
public enum CorpusLanguage {
    EN, ZH;

    public static CorpusLanguage of(List<ActivationRecord> records) {
        long cjk = 0, all = 0;
        for (ActivationRecord r : records) {
            for (String t : r.tokens()) {
                if (t.isEmpty() || t.startsWith("[")) continue;  // [CLS], [UNK]
                all++;
                if (ChineseText.isCjkWord(t)) cjk++;
            }
        }
        return all > 0 && cjk * 2 >= all ? ZH : EN;
    }

    /** The statistical explainer for the windows' language: Chinese or English, decided per feature. */
    public static Explainer statisticalExplainer() {
        Explainer en = new StatisticalExplainer();
        Explainer zh = new ChineseStatisticalExplainer();
        return new Explainer() {
            @Override
            public String name() {
                return StatisticalExplainer.NAME;
            }

            @Override
            public Explanation explain(RecordSplit split) {
                return (of(split.explain()) == ZH ? zh : en).explain(split);
            }
        };
    }
}
