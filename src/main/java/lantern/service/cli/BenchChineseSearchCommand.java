package lantern.service.cli;

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
        description = "Measure Chinese text analyses (characters, CJK bigrams, both) on Chinese queries over stored Chinese labels.")
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

    @Override
    public Integer call() throws IOException {
        Path dir = data.path().resolve("explanations").resolve(model);
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("no explanations of " + model + " under " + dir);
        ObjectMapper json = new ObjectMapper();
        List<ChineseAnalysisBench.Label> labels = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                for (JsonNode e : json.readTree(f.toFile())) {
                    Set<String> preds = new LinkedHashSet<>();
                    for (JsonNode r = e.path("rule"); r != null && !r.isMissingNode() && !r.isNull(); r = r.get("and")) {
                        if (r.path("kind").asText().equals("TAG")) preds.add(r.path("values").path(0).asText());
                    }
                    labels.add(new ChineseAnalysisBench.Label(e.path("text").asText(), preds));
                }
            }
        }
        System.out.printf(Locale.ROOT, "bench chinese-search: %d stored labels of %s, %d queries %s%n", labels.size(), model, ASKS.size(),
                ASKS.stream().map(ChineseAnalysisBench.Ask::query).toList());
        System.out.println("| analysis | precision@5 | MRR | queries with no relevant hit in the top 5 |");
        System.out.println("|---|---:|---:|---:|");
        ChineseAnalysisBench.run(labels, ASKS).forEach((name, r) ->
                System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %d |%n", name, r.precisionAt5(), r.mrr(), r.misses()));
        return 0;
    }
}
