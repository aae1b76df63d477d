package lantern.index;

import lantern.index.ChineseAnalysisBench.Ask;
import lantern.index.ChineseAnalysisBench.Label;
import lantern.index.ChineseAnalysisBench.Result;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Search across languages, measured: labels are indexed in one language only (the Chinese half of a bilingual label,
 * or the English half) in a real {@link FeatureIndex} with MiniLM and bge-small-zh vectors, and queried in the other;
 * a hit is relevant when its rule requires what the query asks for ({@link Label#predicates()}). Reports mean
 * precision at 5 and MRR for each side of the search (text alone, vectors alone) and for the fused search users get.
 */
public final class ChineseCrossLanguageBench {
    /** The sides measured, in report order. */
    public static final List<FeatureIndex.Side> SIDES = List.of(FeatureIndex.Side.TEXT, FeatureIndex.Side.VECTOR, FeatureIndex.Side.BOTH);

    private ChineseCrossLanguageBench() {
    }

    /** The Chinese half of a bilingual label ("句首字 / the first character of a line" → 句首字); the whole text otherwise. */
    public static String chineseHalf(String label) {
        int slash = label.indexOf(" / ");
        return slash < 0 ? label : label.substring(0, slash);
    }

    /** The English half; the whole text when there is no " / ". */
    public static String englishHalf(String label) {
        int slash = label.indexOf(" / ");
        return slash < 0 ? label : label.substring(slash + 3);
    }

    /** A character predicate, folded to simplified so 雲 and 云 are one character. */
    public static String character(String c) {
        return "CHAR:" + ChineseSearch.simplified(c);
    }

    /**
     * Indexes the labels (their text as given) with both embedders in a fresh index under {@code workDir} and runs
     * every query on each side.
     *
     * @param miniLm  MiniLM's embedding (384 dims) of a label or query
     * @param chinese bge-small-zh's embedding (512 dims) of a label or query
     */
    public static Map<FeatureIndex.Side, Result> run(List<Label> labels, List<Ask> asks, Function<String, float[]> miniLm,
                                                     Function<String, float[]> chinese, Path workDir) {
        Path dir = workDir.resolve("index");
        try (FeatureIndex index = FeatureIndex.open(dir).withChineseEmbedder(chinese)) {
            List<IndexedExplanation> docs = new ArrayList<>();
            for (int i = 0; i < labels.size(); i++) {
                docs.add(IndexedExplanation.of("bench/0/mlp/" + i, labels.get(i).text(), "statistical", null, null, null,
                        List.of(), miniLm.apply(labels.get(i).text()), 1L));
            }
            index.addAll(docs);
            index.commit();
            Map<FeatureIndex.Side, Result> out = new LinkedHashMap<>();
            for (FeatureIndex.Side side : SIDES) {
                double p5 = 0, mrr = 0;
                int misses = 0;
                for (Ask a : asks) {
                    List<SearchHit> hits = index.search(SearchQuery.text(a.query(), 5), miniLm.apply(a.query()), side).hits();
                    int relevant = 0;
                    double rr = 0;
                    for (int k = 0; k < hits.size() && k < 5; k++) {
                        int i = Integer.parseInt(hits.get(k).featureId().substring("bench/0/mlp/".length()));
                        if (labels.get(i).predicates().stream().anyMatch(a.wants()::contains)) {
                            relevant++;
                            if (rr == 0) rr = 1.0 / (k + 1);
                        }
                    }
                    p5 += relevant / 5.0;
                    mrr += rr;
                    if (relevant == 0) misses++;
                }
                out.put(side, new Result(p5 / asks.size(), mrr / asks.size(), misses));
            }
            return out;
        } finally {
            deleteTree(dir);
        }
    }

    /** How many labels each query can find at all (relevant labels in the pool): a query with none is left out. */
    public static long relevantIn(List<Label> labels, Ask a) {
        return labels.stream().filter(l -> l.predicates().stream().anyMatch(a.wants()::contains)).count();
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Labels whose predicates include the characters of their rule's character sets (folded), as the queries ask. */
    public static Label withCharacters(String text, Set<String> predicates, List<String> characters) {
        Set<String> all = new java.util.LinkedHashSet<>(predicates);
        for (String c : characters) all.add(character(c));
        return new Label(text, all);
    }
}
