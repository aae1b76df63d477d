package lantern.index;

import org.apache.lucene.document.Document;
import org.apache.lucene.search.ScoreDoc;

import java.io.IOException;
import java.util.Arrays;

import static lantern.index.IndexSchema.F_SIMULATION;
import static lantern.index.IndexSchema.F_SIMULATION_LOW;
import static lantern.index.IndexSchema.F_TEXT;

/**
 * Orders the hits of a query that asks for a word class: score = 0.2 × relevance (the fused score over the best
 * one) + match × (0.3 + 0.5 × quality), where match is how specifically the label names the asked class
 * ({@link ClassQuery#labelClass}: 1 for the class itself, less for a narrower part or a mention in words, 0 otherwise)
 * and quality the simulation score's 95% lower bound (else the score), clamped to [0, 1]. So a label of the class
 * outranks any label that merely shares words with the query, and of two labels of the class the one that
 * simulates at 0.8 outranks the one at 0.11. Ties keep the fused order.
 */
final class ClassRanking {
    interface Docs {
        Document get(int doc) throws IOException;
    }

    private ClassRanking() {
    }

    static ScoreDoc[] rank(String tag, ScoreDoc[] hits, Docs docs) throws IOException {
        if (hits.length == 0) return hits;
        double max = 0;
        for (ScoreDoc h : hits) max = Math.max(max, h.score);
        double[] score = new double[hits.length];
        Integer[] order = new Integer[hits.length];
        for (int i = 0; i < hits.length; i++) {
            Document d = docs.get(hits[i].doc);
            ClassQuery.LabelClass c = ClassQuery.labelClass(d.get(F_TEXT));
            double match = c != null && c.tag().equals(tag) ? c.specificity() : mentions(d.get(F_TEXT), tag) ? ClassQuery.CONTEXT : 0;
            score[i] = score(max > 0 ? hits[i].score / max : 0, match, quality(d));
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> score[a] != score[b] ? Double.compare(score[b], score[a]) : Integer.compare(a, b));
        ScoreDoc[] out = new ScoreDoc[hits.length];
        for (int i = 0; i < out.length; i++) out[i] = new ScoreDoc(hits[order[i]].doc, (float) score[order[i]]);
        return out;
    }

    /** The label names the class in words but not as its own class ("tokens right before plural nouns"). */
    private static boolean mentions(String text, String tag) {
        String name = ClassQuery.nameOf(tag);
        return text != null && name != null && text.toLowerCase(java.util.Locale.ROOT).contains(name);
    }

    static double score(double relevance, double match, double quality) {
        return 0.2 * relevance + match * (0.3 + 0.5 * quality);
    }

    private static double quality(Document d) {
        Number low = d.getField(F_SIMULATION_LOW) == null ? null : d.getField(F_SIMULATION_LOW).numericValue();
        Number sim = d.getField(F_SIMULATION) == null ? null : d.getField(F_SIMULATION).numericValue();
        Number q = low != null ? low : sim;
        return q == null || Double.isNaN(q.doubleValue()) ? 0 : Math.max(0, Math.min(1, q.doubleValue()));
    }
}
