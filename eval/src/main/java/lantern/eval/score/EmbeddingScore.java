package lantern.eval.score;

import lantern.api.score.Interval;
/**
 * ROC AUC of the cosine similarity between the explanation's sentence embedding and each window's text, firing
 * windows as positives.
 */
public record EmbeddingScore(double auc, String embedder, int nPositive, int nNegative, Interval ci95) {
    public EmbeddingScore {
        if (ci95 == null) ci95 = Interval.none(auc, nPositive + nNegative);
    }

    public EmbeddingScore(double auc, String embedder, int nPositive, int nNegative) {
        this(auc, embedder, nPositive, nNegative, null);
    }
}
