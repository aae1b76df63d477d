package lantern.eval.score;

import lantern.api.ActivationRecord;
import lantern.explainer.explain.Explanation;
import lantern.explainer.explain.RecordSplit;
import lantern.explainer.explain.WindowText;
import lantern.subject.SentenceEmbedder;

import java.util.ArrayList;
import java.util.List;

/** Embedding AUC: does the explanation's embedding sit closer to firing windows than to the others? */
public final class EmbeddingScorer {
    private final SentenceEmbedder embedder;
    private final String name;

    public EmbeddingScorer(SentenceEmbedder embedder, String name) {
        this.embedder = embedder;
        this.name = name;
    }

    public EmbeddingScore score(Explanation explanation, RecordSplit split) {
        List<ActivationRecord> windows = split.scoring();
        boolean[] labels = WindowLabels.of(windows, split.maxActivation());
        List<String> texts = new ArrayList<>();
        texts.add(explanation.text());
        for (ActivationRecord w : windows) texts.add(WindowText.of(w));
        List<float[]> vectors = embedder.embedAll(texts);
        float[] e = vectors.get(0);
        List<Double> pos = new ArrayList<>(), neg = new ArrayList<>();
        for (int i = 0; i < windows.size(); i++) {
            double c = cosine(e, vectors.get(i + 1));
            (labels[i] ? pos : neg).add(c);
        }
        double[] p = pos.stream().mapToDouble(Double::doubleValue).toArray(), n = neg.stream().mapToDouble(Double::doubleValue).toArray();
        double auc = RocAuc.of(p, n);
        return new EmbeddingScore(auc, name, pos.size(), neg.size(), Bootstrap.auc(auc, p, n));
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}
