package lantern.bench;

import lantern.cli.DataOption;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.index.ChineseAnalysisBench;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code lantern bench chinese-search}: the stored statistical labels of a Chinese model, searched with Chinese queries
 * under each Lucene analysis ({@link ChineseAnalysisBench}); a hit is relevant when its rule requires what the query
 * asks for (押韻位置 and 句末字: the line end; 句首字: the line start; 七言詩: the form; ...).
 */
@CommandLine.Command(name = "chinese-search", mixinStandardHelpOptions = true,
        description = "Measure Chinese text analyses (characters, CJK bigrams, ICU words, the simplified fold) on Chinese queries, traditional and simplified, over stored Chinese labels.")
public class BenchChineseSearchCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--model", defaultValue = "bge-small-zh", description = "Model whose explanations to search (default: ${DEFAULT-VALUE}).")
    String model;

    @CommandLine.Mixin
    DataOption data = new DataOption();

    static final List<ChineseAnalysisBench.Ask> ASKS = List.of(
            new ChineseAnalysisBench.Ask("押韻位置", Set.of("ZH:END", "ZH:EVEN_END")),
            new ChineseAnalysisBench.Ask("句末字", Set.of("ZH:END", "ZH:EVEN_END")),
            new ChineseAnalysisBench.Ask("韻腳", Set.of("ZH:EVEN_END")),
            new ChineseAnalysisBench.Ask("句首字", Set.of("ZH:START")),
            new ChineseAnalysisBench.Ask("標點符號", Set.of("ZH:PUNCT")),
            new ChineseAnalysisBench.Ask("七言詩", Set.of("ZH:FORM=SHI7")),
            new ChineseAnalysisBench.Ask("五言詩", Set.of("ZH:FORM=SHI5")),
            new ChineseAnalysisBench.Ask("詞", Set.of("ZH:FORM=CI")),
            new ChineseAnalysisBench.Ask("唐詩", Set.of("ZH:DYN=TANG")));

    /** The same queries in simplified characters (the labels are written in traditional ones). */
    static final List<ChineseAnalysisBench.Ask> SIMPLIFIED_ASKS = List.of(
            new ChineseAnalysisBench.Ask("押韵位置", Set.of("ZH:END", "ZH:EVEN_END")),
            new ChineseAnalysisBench.Ask("句末字", Set.of("ZH:END", "ZH:EVEN_END")),
            new ChineseAnalysisBench.Ask("韵脚", Set.of("ZH:EVEN_END")),
            new ChineseAnalysisBench.Ask("句首字", Set.of("ZH:START")),
            new ChineseAnalysisBench.Ask("标点符号", Set.of("ZH:PUNCT")),
            new ChineseAnalysisBench.Ask("七言诗", Set.of("ZH:FORM=SHI7")),
            new ChineseAnalysisBench.Ask("五言诗", Set.of("ZH:FORM=SHI5")),
            new ChineseAnalysisBench.Ask("词", Set.of("ZH:FORM=CI")),
            new ChineseAnalysisBench.Ask("唐诗", Set.of("ZH:DYN=TANG")));

    /** A stored label: its text, the structure tags its rule requires, and the characters of its character sets. */
    record StoredLabel(String text, Set<String> tags, List<String> characters) {
        ChineseAnalysisBench.Label label() {
            return new ChineseAnalysisBench.Label(text, tags);
        }
    }

    /** Every stored explanation of the model's features (each history file, all its entries). */
    static List<StoredLabel> labels(Path dataDir, String model) throws IOException {
        Path dir = dataDir.resolve("explanations").resolve(model);
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("no explanations of " + model + " under " + dir);
        ObjectMapper json = new ObjectMapper();
        List<StoredLabel> labels = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                for (JsonNode e : json.readTree(f.toFile())) {
                    Set<String> preds = new LinkedHashSet<>();
                    List<String> chars = new ArrayList<>();
                    for (JsonNode r = e.path("rule"); r != null && !r.isMissingNode() && !r.isNull(); r = r.get("and")) {
                        if (r.path("kind").asText().equals("TAG")) preds.add(r.path("values").path(0).asText());
                        if (r.path("kind").asText().equals("TOKEN")) r.path("values").forEach(v -> chars.add(v.asText()));
                    }
                    labels.add(new StoredLabel(e.path("text").asText(), preds, chars));
                }
            }
        }
        return labels;
    }

    @Override
    public Integer call() throws IOException {
        List<ChineseAnalysisBench.Label> labels = labels(data.path(), model).stream().map(StoredLabel::label).toList();
        System.out.printf(Locale.ROOT, "bench chinese-search: %d stored labels of %s, %d queries %s%n", labels.size(), model, ASKS.size(),
                ASKS.stream().map(ChineseAnalysisBench.Ask::query).toList());
        table(ChineseAnalysisBench.run(labels, ASKS));
        System.out.printf(Locale.ROOT, "%nthe same queries in simplified characters %s%n", SIMPLIFIED_ASKS.stream().map(ChineseAnalysisBench.Ask::query).toList());
        table(ChineseAnalysisBench.run(labels, SIMPLIFIED_ASKS));
        return 0;
    }

    private static void table(java.util.Map<String, ChineseAnalysisBench.Result> results) {
        System.out.println("| analysis | precision@5 | MRR | queries with no relevant hit in the top 5 | P@5 per query |");
        System.out.println("|---|---:|---:|---:|---|");
        results.forEach((name, r) -> System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %d | %s |%n", name, r.precisionAt5(), r.mrr(),
                r.misses(), r.perQueryP5().stream().map(p -> String.format(Locale.ROOT, "%.1f", p)).collect(java.util.stream.Collectors.joining(" "))));
    }
}
