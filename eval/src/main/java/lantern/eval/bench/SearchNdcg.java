package lantern.eval.bench;

import lantern.index.FeatureIndex;
import lantern.index.SearchHit;
import lantern.index.SearchQuery;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * nDCG@5 of search on queries a user would type for the word classes the faithfulness bench found detectors of:
 * one query per class ("commas", "end of sentence punctuation", "articles such as the and a"), its relevant
 * features the class's ground-truth units that the index holds a label of (binary relevance), searched among the
 * statistical labels of the model in the index, with each ranking ({@link FeatureIndex.Ranking}).
 */
public final class SearchNdcg {
    public static final int K = 5;

    /** A user's query for each Brown tag family (written for this bench, phrased as a user would ask). */
    public static final Map<String, String> USER_QUERIES = Map.ofEntries(
            Map.entry(",", "commas"), Map.entry(".", "end of sentence punctuation"), Map.entry("AT", "articles such as the and a"),
            Map.entry("NNS", "plural nouns"), Map.entry("NN", "nouns"), Map.entry("NP", "names of people and places"),
            Map.entry("JJ", "adjectives"), Map.entry("RB", "adverbs"), Map.entry("IN", "prepositions like of and in"),
            Map.entry("CC", "and, or, but"), Map.entry("CS", "subordinating conjunctions"), Map.entry("CD", "numbers"),
            Map.entry("VBD", "past tense verbs"), Map.entry("VBN", "past participles"), Map.entry("VBG", "words ending in ing"),
            Map.entry("VB", "verbs in base form"), Map.entry("VBZ", "verbs ending in s"), Map.entry("MD", "modal verbs like can and would"),
            Map.entry("PPS", "he she it"), Map.entry("PPSS", "I we they"), Map.entry("PPO", "object pronouns"),
            Map.entry("PP$", "possessive pronouns like his and her"), Map.entry("TO", "to before a verb"),
            Map.entry("QUOTE", "quotation marks"), Map.entry("'", "single quotes"), Map.entry("(", "opening brackets"),
            Map.entry(")", "closing brackets"), Map.entry("--", "dashes"), Map.entry(":", "colons"),
            Map.entry("BEDZ", "the word was"), Map.entry("BEZ", "the word is"), Map.entry("BED", "the word were"),
            Map.entry("BER", "the word are"), Map.entry("BEN", "the word been"), Map.entry("BE", "forms of be"),
            Map.entry("HVD", "the word had"), Map.entry("HV", "forms of have"), Map.entry("HVZ", "the word has"),
            Map.entry("DT", "this and that"), Map.entry("AP", "many, other, more"), Map.entry("WDT", "which and what"),
            Map.entry("WPS", "who"), Map.entry("EX", "existential there"), Map.entry("NOT", "negations"),
            Map.entry("OD", "ordinal numbers"), Map.entry("JJR", "comparatives"), Map.entry("JJS", "superlatives"),
            Map.entry("NR", "days of the week and directions"), Map.entry("RP", "verb particles"), Map.entry("QL", "qualifiers like very"));

    /** One query's result under each ranking. */
    public record QueryResult(String tag, String query, int relevant, Map<FeatureIndex.Ranking, Double> ndcg,
                              Map<FeatureIndex.Ranking, List<String>> top) {
    }

    private SearchNdcg() {
    }

    /**
     * @param relevantByClass ground-truth feature ids per class
     * @param embed           the query text's embedding (MiniLM), or null for BM25 only
     */
    public static List<QueryResult> run(FeatureIndex index, String model, Map<String, Set<String>> relevantByClass,
                                        Function<String, float[]> embed) {
        List<QueryResult> out = new ArrayList<>();
        for (var e : new TreeMap<>(relevantByClass).entrySet()) {
            String query = USER_QUERIES.get(e.getKey());
            // only units an audit labelled can be found: the relevant set is the class's units in the index
            Set<String> indexed = index.explanationsFor(List.copyOf(e.getValue())).keySet();
            if (query == null || indexed.isEmpty()) continue;
            float[] vector = embed == null ? null : embed.apply(query);
            Map<FeatureIndex.Ranking, Double> ndcg = new LinkedHashMap<>();
            Map<FeatureIndex.Ranking, List<String>> top = new LinkedHashMap<>();
            for (FeatureIndex.Ranking r : FeatureIndex.Ranking.values()) {
                var q = new SearchQuery(query, model, null, null, "statistical", null, null, 0, K);
                List<String> ids = index.search(q, vector, r).hits().stream().map(SearchHit::featureId).toList();
                top.put(r, ids);
                ndcg.put(r, ndcg(ids, indexed, K));
            }
            out.add(new QueryResult(e.getKey(), query, indexed.size(), ndcg, top));
        }
        return out;
    }

    /** Binary-relevance nDCG@k: sum over ranks i (from 1) of rel_i / log2(i + 1), over the same for an ideal ranking. */
    public static double ndcg(List<String> ranked, Set<String> relevant, int k) {
        double dcg = 0, ideal = 0;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            if (relevant.contains(ranked.get(i)) && seen.add(ranked.get(i))) dcg += 1 / log2(i + 2);
        }
        for (int i = 0; i < Math.min(k, relevant.size()); i++) ideal += 1 / log2(i + 2);
        return ideal == 0 ? Double.NaN : dcg / ideal;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    public static double mean(List<QueryResult> results, FeatureIndex.Ranking r) {
        return results.stream().mapToDouble(q -> q.ndcg().get(r)).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN);
    }
}
