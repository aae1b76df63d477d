package lantern.service.cli;

import lantern.cli.DataOption;
import lantern.index.FeatureIndex;
import lantern.index.SearchHit;
import lantern.index.SearchQuery;
import lantern.index.SearchResult;
import lantern.core.Models;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lantern search "plural nouns" --layer 3}: searches the feature index (read-only; works while serving). */
@CommandLine.Command(name = "search", mixinStandardHelpOptions = true,
        description = "Search feature explanations: full text and MiniLM vectors, fused by reciprocal rank.")
public class SearchCommand implements Callable<Integer> {
    @CommandLine.Parameters(index = "0", arity = "0..1", defaultValue = "", description = "What to look for (empty: best scored first).")
    String query;
    @CommandLine.Option(names = "--model", description = "Only this model's features.")
    String model;
    @CommandLine.Option(names = "--layer", description = "Only this layer.")
    Integer layer;
    @CommandLine.Option(names = "--kind", description = "Only this kind (mlp, sae-..., tc-NAME for a transcoder set).")
    String kind;
    @CommandLine.Option(names = "--explainer", description = "Only explanations by this explainer.")
    String explainer;
    @CommandLine.Option(names = "--min-score", description = "Only explanations with at least this simulation score.")
    Double minScore;
    @CommandLine.Option(names = "--min-causal", description = "Only explanations whose feature has at least this causal selectivity (-1..1).")
    Double minCausal;
    @CommandLine.Option(names = "--min-score-low", description = "Only explanations whose simulation score's 95% lower bound is at least this.")
    Double minScoreLow;
    @CommandLine.Option(names = "--limit", defaultValue = "20", description = "Hits to show (default: ${DEFAULT-VALUE}).")
    int limit;
    @CommandLine.Option(names = "--offset", defaultValue = "0", description = "Hits to skip (default: ${DEFAULT-VALUE}).")
    int offset;
    @CommandLine.Option(names = "--text-only", description = "Full text only: no MiniLM query embedding.")
    boolean textOnly;
    @CommandLine.Mixin
    DataOption dataOption;

    @Override
    public Integer call() {
        SearchQuery q;
        try {
            q = new SearchQuery(query, model, layer, kind, explainer, minScore, minCausal, offset, limit).withMinScoreLow(minScoreLow);
        } catch (IllegalArgumentException e) {
            System.err.println("lantern search: " + e.getMessage());
            return 2;
        }
        float[] vector = null;
        if (!q.browsing() && !textOnly) {
            vector = Models.embedOnce("minilm-l6", q.text());
        }
        try (FeatureIndex index = FeatureIndex.openReadOnly(dataOption.path().resolve("index"))) {
            SearchResult r = index.search(q, vector);
            print(r);
        }
        return 0;
    }

    /** "0.62 [0.48, 0.74]"; "0.62 [0.48, ?]" for explanations indexed with only the lower bound; "-" without a score. */
    static String score(Double value, lantern.index.Intervals.Bounds b, Double low) {
        if (value == null) return "-";
        String v = String.format(Locale.ROOT, "%.2f", value);
        if (b != null) return v + String.format(Locale.ROOT, " [%.2f, %.2f]", b.lo(), b.hi());
        return low == null ? v : v + String.format(Locale.ROOT, " [%.2f, ?]", low);
    }

    private static void print(SearchResult r) {
        System.out.printf(Locale.ROOT, "%-4s %-28s %5s %-18s %-6s %s%n", "#", "feature", "layer", "score [95% CI]", "match", "explanation");
        int i = 1;
        for (SearchHit h : r.hits()) {
            String text = h.text().length() > 80 ? h.text().substring(0, 77) + "..." : h.text();
            System.out.printf(Locale.ROOT, "%-4d %-28s %5d %-18s %-6s %s%n", i++, h.featureId(), h.layer(),
                    score(h.simulation(), h.intervals().simulation(), h.simulationLow()), h.match(),
                    text.replaceAll("\\p{Cntrl}", " "));
        }
        StringBuilder facets = new StringBuilder();
        r.layerFacets().forEach((l, n) -> facets.append(" L").append(l).append('=').append(n));
        System.out.println(r.total() + " hits;" + (facets.isEmpty() ? " none" : facets));
    }
}
